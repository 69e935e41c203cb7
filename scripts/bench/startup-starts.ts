// One measured start of a service for the startup bench: spawned from dist/ as
// `npm start` runs it, timed until its /healthz answers 200 (each service says
// ready there only once what it rebuilds from the log is rebuilt and its
// readers follow the log), its resident memory read from /proc at that moment
// and again a few seconds later, then stopped.
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ServiceProcess, freePort } from '#localstack';
import type { NatsAccess } from './nats-access.js';
import { usageOf } from './proc.js';

export const startupServices = ['realtime', 'ingest', 'spotify-worker'] as const;
export type StartupService = (typeof startupServices)[number];
export type LogSide = 'empty' | 'year';

export interface StartTarget {
  nats: NatsAccess;
  databaseUrl: string;
  adminToken: string;
  side: LogSide;
}

export interface MeasuredStart {
  side: LogSide;
  /** From spawning the process to the first 200 of its /healthz. */
  readyMs: number;
  /** Resident memory when it said ready (VmRSS), and the kernel's peak so far (VmHWM). */
  rssMb: number;
  peakMb: number;
  /** Resident memory `settle` seconds later. */
  settledRssMb: number;
}

const secretKey = crypto.randomBytes(32).toString('hex');
const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function serviceEnv(service: StartupService, port: number): Record<string, string> {
  switch (service) {
    case 'realtime':
      return { REALTIME_PORT: String(port) };
    case 'ingest':
      return { INGEST_PORT: String(port) };
    case 'spotify-worker':
      // The worker reads the log (which studios have a live class) only with an app configured.
      // No studio has signed in, so nothing calls this address.
      return {
        SPOTIFY_WORKER_PORT: String(port),
        HRM_SECRET_KEY: secretKey,
        SPOTIFY_CLIENT_ID: 'bench-startup',
        SPOTIFY_CLIENT_SECRET: 'bench-startup',
        SPOTIFY_API_URL: 'http://127.0.0.1:9',
        SPOTIFY_ACCOUNTS_URL: 'http://127.0.0.1:9',
      };
  }
}

/** Polls /healthz every 10 ms until it answers 200; the moment it did. */
async function firstReady(port: number, until: { stopped: boolean }): Promise<number | null> {
  while (!until.stopped) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      await response.arrayBuffer();
      if (response.ok) return performance.now();
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  return null;
}

/** Starts `service`, returns it running (the caller stops it) with its figures. */
export async function startService(
  service: StartupService,
  target: StartTarget,
  options: { readyTimeoutS: number; name: string; onLine: (line: string) => void },
): Promise<{ child: ServiceProcess; url: string; ready: Omit<MeasuredStart, 'settledRssMb'> }> {
  const port = await freePort();
  const child = new ServiceProcess({
    app: service,
    port,
    env: {
      ...target.nats.env(service),
      DATABASE_URL: target.databaseUrl,
      HRM_ADMIN_TOKEN: target.adminToken,
      LOG_LEVEL: 'warn',
      HRM_INSTANCE: options.name,
      ...serviceEnv(service, port),
    },
    onLine: options.onLine,
  });
  const polling = { stopped: false };
  const spawnedAt = performance.now();
  const readyAt = firstReady(port, polling);
  try {
    await child.start(options.readyTimeoutS * 1000);
  } catch (error) {
    polling.stopped = true;
    throw error;
  }
  // Healthy by now: the poller's first 200 is at most one poll away.
  const at = await readyAt;
  const usage = child.pid === undefined ? null : usageOf(child.pid);
  if (at === null || usage === null) {
    await child.stop();
    throw new Error(`${service} said ready but is gone`);
  }
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    ready: {
      side: target.side,
      readyMs: Math.round(at - spawnedAt),
      rssMb: mb(usage.rssKb),
      peakMb: mb(usage.hwmKb),
    },
  };
}

/** One start measured: ready time and memory, memory again after `settleS`, stopped. */
export async function measureStart(
  service: StartupService,
  target: StartTarget,
  options: { readyTimeoutS: number; settleS: number; name: string; onLine: (line: string) => void },
): Promise<MeasuredStart> {
  const { child, ready } = await startService(service, target, options);
  try {
    await sleep(options.settleS * 1000);
    const settled = child.pid === undefined ? null : usageOf(child.pid);
    if (settled === null) throw new Error(`${service} exited after it said ready`);
    return { ...ready, settledRssMb: mb(settled.rssKb) };
  } finally {
    await child.stop();
  }
}
