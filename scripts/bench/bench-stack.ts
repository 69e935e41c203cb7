// What a bench runs against: the NATS and Postgres of NATS_URL and
// DATABASE_URL when set, else its own (nats-server and an embedded Postgres in
// a temporary directory, removed afterwards); the migrations; and the API (and,
// when asked, a realtime service) as real processes from dist/, as `npm start`
// and the end-to-end tests run them.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalPostgres, NatsServer, ServiceProcess, freePort, migrateDatabase } from '#localstack';

export interface BenchStack {
  natsUrl: string;
  databaseUrl: string;
  apiUrl: string;
  /** Present when a realtime service was asked for. */
  realtimeUrl: string | null;
  adminToken: string;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /** Also start one realtime process with this values tick. */
  realtime?: { tickMs: number };
}

export async function startBenchStack(
  progress: (line: string) => void,
  options: BenchStackOptions = {},
): Promise<BenchStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-bench-'));
  // Postgres runs as its own user when we are root: it must reach its data directory.
  fs.chmodSync(dir, 0o755);
  let nats: NatsServer | null = null;
  let postgres: LocalPostgres | null = null;
  let api: ServiceProcess | null = null;
  let realtime: ServiceProcess | null = null;
  const stop = async () => {
    await realtime?.stop();
    await api?.stop();
    await nats?.stop();
    await postgres?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    let natsUrl = process.env.NATS_URL;
    if (natsUrl === undefined) {
      nats = await NatsServer.start({ dataDir: path.join(dir, 'nats') });
      natsUrl = nats.url;
    }
    let databaseUrl = process.env.DATABASE_URL;
    if (databaseUrl === undefined) {
      postgres = await LocalPostgres.start({ dataDir: path.join(dir, 'pg'), database: 'hrm' });
      databaseUrl = postgres.url('hrm');
    }
    progress(`NATS ${natsUrl}, Postgres ${databaseUrl.replace(/:[^:@/]+@/, ':****@')}`);
    await migrateDatabase(databaseUrl);
    progress('migrations applied');
    const adminToken = `bench_${crypto.randomBytes(18).toString('hex')}`;
    const port = await freePort();
    api = new ServiceProcess({
      app: 'api',
      port,
      env: {
        NATS_URL: natsUrl,
        DATABASE_URL: databaseUrl,
        HRM_ADMIN_TOKEN: adminToken,
        API_PORT: String(port),
        LOG_LEVEL: 'warn',
        HRM_INSTANCE: 'api-bench',
      },
      onLine: (line) => progress(`[api] ${line}`),
    });
    await api.start();
    progress(`api healthy on port ${port}`);
    let realtimeUrl: string | null = null;
    if (options.realtime) {
      const realtimePort = await freePort();
      realtime = new ServiceProcess({
        app: 'realtime',
        port: realtimePort,
        env: {
          NATS_URL: natsUrl,
          DATABASE_URL: databaseUrl,
          HRM_ADMIN_TOKEN: adminToken,
          REALTIME_PORT: String(realtimePort),
          HRM_TICK_MS: String(options.realtime.tickMs),
          LOG_LEVEL: 'warn',
          HRM_INSTANCE: 'realtime-bench',
        },
        onLine: (line) => progress(`[realtime] ${line}`),
      });
      await realtime.start();
      realtimeUrl = `http://127.0.0.1:${realtimePort}`;
      progress(`realtime healthy on port ${realtimePort}`);
    }
    return { natsUrl, databaseUrl, apiUrl: `http://127.0.0.1:${port}`, realtimeUrl, adminToken, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
