// The four services as child processes of `npm start`, started side by side,
// their output shown with a prefix, and stopped in reverse order.
import type { StackEnv } from '#config';
import { ServiceProcess, type AppName } from '#localstack';
import { canListen } from './ports.js';

/**
 * The demo is set up through the API as soon as it answers, while the others
 * finish booting: gateway traffic waits in the HRM_INGRESS stream until ingest
 * consumes it, and realtime rebuilds what it missed from the log.
 */
export const FIRST_APPS: readonly AppName[] = ['api'];
export const OTHER_APPS: readonly AppName[] = ['ingest', 'realtime', 'spotify-worker'];

export const PORT_VARIABLES: Readonly<Record<AppName, string>> = {
  api: 'API_PORT',
  ingest: 'INGEST_PORT',
  realtime: 'REALTIME_PORT',
  'spotify-worker': 'SPOTIFY_WORKER_PORT',
};

export const servicePorts = (env: StackEnv): Record<AppName, number> => ({
  api: env.API_PORT,
  ingest: env.INGEST_PORT,
  realtime: env.REALTIME_PORT,
  'spotify-worker': env.SPOTIFY_WORKER_PORT,
});

/**
 * One line per service port that something else already listens on. Checked
 * before anything starts: a health check would otherwise get its answer from
 * whatever runs there.
 */
export async function portsInUse(ports: Readonly<Record<AppName, number>>): Promise<string[]> {
  const apps = [...FIRST_APPS, ...OTHER_APPS];
  const free = await Promise.all(apps.map((app) => canListen(ports[app])));
  return apps
    .filter((_, index) => free[index] === false)
    .map((app) => `port ${ports[app]} (${PORT_VARIABLES[app]}) is in use`);
}

export interface ServicesOptions {
  ports: Readonly<Record<AppName, number>>;
  natsUrl: string;
  databaseUrl: string;
  adminToken: string;
  /** HRM_SECRET_KEY for the Spotify worker (scripts/stack/secret-key.ts). */
  secretKey: string;
  /** More variables for every service (the demo's fake Spotify URLs). */
  extraEnv?: Record<string, string>;
  /** A service's NATS identity (NATS_CREDS, the API's gateway signers, NATS_TLS_CA). */
  natsEnv?: (app: AppName) => Record<string, string>;
  /** Each output line of a service. */
  onLine: (app: AppName, line: string) => void;
  /** A service ended while nobody asked it to: its last lines, to show why. */
  onUnexpectedExit: (app: AppName, how: string, lastLines: string) => void;
}

export class Services {
  /** In start order; stopped last first. */
  private readonly processes: ServiceProcess[] = [];
  /** Services whose exit is news: up and running, not being stopped. A failed start rejects instead. */
  private readonly watched = new Set<ServiceProcess>();

  constructor(private readonly options: ServicesOptions) {}

  private create(app: AppName): ServiceProcess {
    const { ports, natsUrl, databaseUrl, adminToken, secretKey, extraEnv, natsEnv } = this.options;
    const service: ServiceProcess = new ServiceProcess({
      app,
      port: ports[app],
      env: {
        NATS_URL: natsUrl,
        ...natsEnv?.(app),
        DATABASE_URL: databaseUrl,
        HRM_ADMIN_TOKEN: adminToken,
        HRM_SECRET_KEY: secretKey,
        ...extraEnv,
        // The web pages the API serves connect to realtime on the host they were loaded from, at its port.
        ...(app === 'api' && { REALTIME_PORT: String(ports.realtime) }),
        [PORT_VARIABLES[app]]: String(ports[app]),
      },
      onLine: (line) => this.options.onLine(app, line),
      onExit: (code, signal) => {
        if (!this.watched.delete(service)) return;
        const how = signal === null ? `with code ${code ?? 'unknown'}` : `on ${signal}`;
        this.options.onUnexpectedExit(app, how, service.recentOutput(20));
      },
    });
    this.processes.push(service);
    return service;
  }

  /** Resolves once each of `apps` answers GET /healthz; on a failure every service is stopped. */
  async start(apps: readonly AppName[]): Promise<void> {
    const started = await Promise.allSettled(
      apps.map(async (app) => {
        const service = this.create(app);
        await service.start();
        this.watched.add(service);
      }),
    );
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) {
      await this.stop(true);
      throw failed.reason;
    }
  }

  /** SIGTERM to each, last started first, waiting for each to exit (SIGKILL when `force`). */
  async stop(force = false): Promise<void> {
    this.watched.clear();
    for (const service of [...this.processes].reverse()) await service.stop(force);
  }
}
