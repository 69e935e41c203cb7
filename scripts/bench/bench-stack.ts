// What a bench runs against: the NATS and Postgres of NATS_URL and
// DATABASE_URL when set, else its own (nats-server and an embedded Postgres in
// a temporary directory, removed afterwards); the migrations; and the API (and,
// when asked, ingest and a realtime service) as real processes from dist/, as
// `npm start` and the end-to-end tests run them. Our own nats-server runs the
// platform's auth, as `npm start` does: each service connects as its own user.
// An outside NATS_URL with auth needs NATS_AUTH_DIR, the directory its keys
// were prepared in (prepareNatsAuth); without it the bench connects anonymously.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalPostgres, NatsServer, ServiceProcess, freePort, migrateDatabase } from '#localstack';
import { prepareNatsAuth } from '#nats-auth';
import { natsAccess, type NatsAccess } from './nats-access.js';

/** A process whose CPU and memory a bench reports; `group` sums it with its children (Postgres). */
export interface MeasuredProcess {
  name: string;
  pid: number;
  group: boolean;
}

export interface BenchStackOptions {
  /** Start ingest too (the throughput scenario). */
  ingest?: boolean;
  /** Extra node flags per service, e.g. `--cpu-prof`. */
  nodeArgs?: { api?: string[]; ingest?: string[]; realtime?: string[] };
  /** Also start one realtime process with this values tick (the fanout scenario). */
  realtime?: { tickMs: number };
}

export interface BenchStack {
  natsUrl: string;
  /** Connections as the tools user or as a gateway. */
  nats: NatsAccess;
  databaseUrl: string;
  apiUrl: string;
  /** Present when a realtime service was asked for. */
  realtimeUrl: string | null;
  adminToken: string;
  /** Our processes, and NATS and Postgres when the bench started them (not those of NATS_URL/DATABASE_URL). */
  processes(): MeasuredProcess[];
  stop(): Promise<void>;
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
  const services: Array<{ name: string; service: ServiceProcess }> = [];
  const stop = async () => {
    for (const { service } of services.reverse()) await service.stop();
    await nats?.stop();
    await postgres?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    let natsUrl = process.env.NATS_URL;
    const authDir = natsUrl === undefined ? path.join(dir, 'nats-auth') : process.env.NATS_AUTH_DIR;
    const auth = authDir === undefined ? null : await prepareNatsAuth(authDir);
    if (natsUrl === undefined) {
      nats = await NatsServer.start({
        dataDir: path.join(dir, 'nats'),
        ...(auth && { auth: auth.serverConfig }),
      });
      natsUrl = nats.url;
    }
    const access = natsAccess(natsUrl, auth);
    let databaseUrl = process.env.DATABASE_URL;
    if (databaseUrl === undefined) {
      postgres = await LocalPostgres.start({ dataDir: path.join(dir, 'pg'), database: 'hrm' });
      databaseUrl = postgres.url('hrm');
    }
    progress(`NATS ${natsUrl}, Postgres ${databaseUrl.replace(/:[^:@/]+@/, ':****@')}`);
    await migrateDatabase(databaseUrl);
    progress('migrations applied');
    const adminToken = `bench_${crypto.randomBytes(18).toString('hex')}`;
    const common = {
      DATABASE_URL: databaseUrl,
      HRM_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'warn',
    };
    const port = await freePort();
    // Known before the API starts: its GET /api/v1/config tells the web pages where realtime is.
    const realtimePort = options.realtime ? await freePort() : null;
    const api = new ServiceProcess({
      app: 'api',
      port,
      env: {
        ...common,
        ...access.env('api'),
        API_PORT: String(port),
        HRM_INSTANCE: 'api-bench',
        ...(realtimePort !== null && { HRM_PUBLIC_REALTIME_URL: `http://127.0.0.1:${realtimePort}` }),
      },
      onLine: (line) => progress(`[api] ${line}`),
      nodeArgs: options.nodeArgs?.api,
    });
    services.push({ name: 'api', service: api });
    await api.start();
    progress(`api healthy on port ${port}`);
    if (options.ingest === true) {
      const ingestPort = await freePort();
      const ingest = new ServiceProcess({
        app: 'ingest',
        port: ingestPort,
        env: {
          ...common,
          ...access.env('ingest'),
          INGEST_PORT: String(ingestPort),
          HRM_INSTANCE: 'ingest-bench',
        },
        onLine: (line) => progress(`[ingest] ${line}`),
        nodeArgs: options.nodeArgs?.ingest,
      });
      services.push({ name: 'ingest', service: ingest });
      await ingest.start();
      progress(`ingest healthy on port ${ingestPort}`);
    }
    let realtimeUrl: string | null = null;
    if (options.realtime && realtimePort !== null) {
      const realtime = new ServiceProcess({
        app: 'realtime',
        port: realtimePort,
        env: {
          ...common,
          ...access.env('realtime'),
          REALTIME_PORT: String(realtimePort),
          HRM_TICK_MS: String(options.realtime.tickMs),
          HRM_INSTANCE: 'realtime-bench',
        },
        onLine: (line) => progress(`[realtime] ${line}`),
        nodeArgs: options.nodeArgs?.realtime,
      });
      services.push({ name: 'realtime', service: realtime });
      await realtime.start();
      realtimeUrl = `http://127.0.0.1:${realtimePort}`;
      progress(`realtime healthy on port ${realtimePort}`);
    }
    const processes = (): MeasuredProcess[] => {
      const measured: MeasuredProcess[] = [];
      for (const { name, service } of services) {
        if (service.pid !== undefined) measured.push({ name, pid: service.pid, group: false });
      }
      if (nats?.pid !== undefined) measured.push({ name: 'nats-server', pid: nats.pid, group: false });
      if (postgres !== null) measured.push({ name: 'postgres', pid: postgres.pid, group: true });
      return measured;
    };
    return {
      natsUrl,
      nats: access,
      databaseUrl,
      apiUrl: `http://127.0.0.1:${port}`,
      realtimeUrl,
      adminToken,
      processes,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
