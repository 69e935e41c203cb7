// A whole stack for an end-to-end test: its own nats-server, its own database
// (copied from the migrated template), and the services as real processes
// built from dist/, each of which can be killed and restarted.
import fs from 'node:fs';
import path from 'node:path';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import {
  credsOptions,
  gatewayInboxPrefix,
  gatewayUserCreds,
  natsAuthEnv,
  prepareNatsAuth,
  type PreparedNatsAuth,
} from '#nats-auth';
import {
  LocalPostgres,
  NatsCluster,
  NatsServer,
  ServiceProcess,
  freePort,
  localCertificate,
  migrateDatabase,
  type AppName,
  type LocalCertificate,
} from '#localstack';
import { createTestDatabase } from './databases.js';
import { temporaryDirectory } from './environment.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** HRM_SECRET_KEY of every test stack (32 bytes, hex). */
export const TEST_SECRET_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';

const portVariable: Record<AppName, string> = {
  api: 'API_PORT',
  realtime: 'REALTIME_PORT',
  ingest: 'INGEST_PORT',
  'spotify-worker': 'SPOTIFY_WORKER_PORT',
};

/** `INGEST_MAX_FUTURE_MS` of the test stacks unless a test says otherwise (15 minutes). */
export const TEST_MAX_FUTURE_MS = 900_000;

export interface TestStackOptions {
  env?: Record<string, string>;
  /** A Postgres of this stack's own (instead of a database on the shared one), so a test can kill it. */
  ownPostgres?: boolean;
  /** Serves NATS over TLS with a certificate the harness makes (the services trust its CA). */
  tls?: boolean;
  /**
   * NATS as a JetStream cluster of this many nodes (3 or 5) instead of one
   * server: the services get every node's URL and HRM_STREAM_REPLICAS of the
   * same number (unless `env` says otherwise).
   */
  natsCluster?: number;
}

export interface TestStack {
  /** The NATS server, or with `natsCluster` the cluster's first node. */
  nats: NatsServer;
  /** Present with `natsCluster`. */
  cluster: NatsCluster | null;
  /** What the services have as NATS_URL: the server's URL, or every node's, comma-separated. */
  natsUrl: string;
  /** The stack's NATS trust chain and every platform user's credentials (NATS auth is always on). */
  natsAuth: PreparedNatsAuth;
  /** Present with `tls`. */
  certificate: LocalCertificate | null;
  /** Options to connect to this stack's NATS as the `tools` user (or with `creds`, e.g. a gateway's). */
  natsOptions(creds?: string): NodeConnectionOptions;
  /** A connection as the `tools` user (or with `creds`); the test closes it. */
  connectNats(creds?: string, extra?: Partial<NodeConnectionOptions>): Promise<NatsConnection>;
  /** New credentials of a gateway (as the API would issue them): its two subjects, its own inbox. */
  gatewayCreds(studioId: string, gatewayId: string): Promise<string>;
  /**
   * A connection as a gateway with fresh credentials and its inbox prefix (for JetStream acks);
   * `stop()` closes it if the test has not.
   */
  connectGateway(
    studioId: string,
    gatewayId: string,
    extra?: Partial<NodeConnectionOptions>,
  ): Promise<NatsConnection>;
  /** The lines nats-server logged about refused publishes and subscriptions, so far. */
  natsViolations(): string[];
  /** Present with `ownPostgres`. */
  postgres: LocalPostgres | null;
  databaseUrl: string;
  services: Map<string, ServiceProcess>;
  apiUrl: string;
  realtimeUrl: string;
  /** Starts another instance of an app (e.g. a second ingest); its name is `<app>#<n>`. */
  addService(app: AppName, extraEnv?: Record<string, string>): Promise<ServiceProcess>;
  service(name: string): ServiceProcess;
  /** `http://127.0.0.1:<port>` of a running service, e.g. `realtime#2`. */
  serviceUrl(name: string): string;
  /** Calls the API as the bootstrap operator (or with `token`), parsing the JSON answer. */
  api(
    method: string,
    route: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
  stop(): Promise<void>;
}

export async function startTestStack(
  apps: AppName[] = ['api', 'ingest', 'realtime'],
  { env: extraEnv = {}, ownPostgres = false, tls = false, natsCluster = 1 }: TestStackOptions = {},
): Promise<TestStack> {
  const dir = temporaryDirectory('hrm-stack');
  const parts: StackParts = { nats: null, postgres: null, services: new Map(), connections: [] };
  const stop = async () => {
    for (const connection of parts.connections) if (!connection.isClosed()) await connection.close();
    for (const service of parts.services.values()) await service.stop();
    await parts.nats?.stop();
    await parts.postgres?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    return await startParts(dir, parts, apps, extraEnv, { ownPostgres, tls, natsCluster }, stop);
  } catch (error) {
    // A stack that fails to start leaves nothing running behind the failing test.
    await stop();
    throw error;
  }
}

/** What a test stack has started so far (to stop it all should the start fail). */
interface StackParts {
  nats: NatsServer | NatsCluster | null;
  postgres: LocalPostgres | null;
  services: Map<string, ServiceProcess>;
  /** Connections the stack opened for a test (gateways), closed on stop. */
  connections: NatsConnection[];
}

async function startParts(
  dir: string,
  parts: StackParts,
  apps: AppName[],
  extraEnv: Record<string, string>,
  { ownPostgres, tls, natsCluster }: { ownPostgres: boolean; tls: boolean; natsCluster: number },
  stop: () => Promise<void>,
): Promise<TestStack> {
  const natsAuth = await prepareNatsAuth(path.join(dir, 'nats-auth'));
  const certificate = tls ? localCertificate(path.join(dir, 'tls')) : null;
  const violations: string[] = [];
  const natsLog = (node: string) => (line: string) => {
    if (/Violation/.test(line)) violations.push(line);
    if (process.env.HRM_TEST_VERBOSE) process.stdout.write(`[${node}] ${line}\n`);
  };
  const natsConfig = {
    dataDir: path.join(dir, 'nats'),
    auth: natsAuth.serverConfig,
    ...(certificate && { tls: certificate }),
  };
  const cluster =
    natsCluster > 1
      ? await NatsCluster.start({
          ...natsConfig,
          size: natsCluster,
          onLog: (node, line) => natsLog(node)(line),
        })
      : null;
  const nats =
    cluster?.nodes[0]?.server ?? (await NatsServer.start({ ...natsConfig, onLog: natsLog('nats') }));
  parts.nats = cluster ?? nats;
  const natsUrl = cluster?.url ?? nats.url;
  const clusterEnv: Record<string, string> = cluster ? { HRM_STREAM_REPLICAS: String(natsCluster) } : {};
  const postgres = ownPostgres
    ? await LocalPostgres.start({ dataDir: path.join(dir, 'pg'), database: 'hrm' })
    : null;
  parts.postgres = postgres;
  const services = parts.services;
  const databaseUrl = postgres ? postgres.url('hrm') : await createTestDatabase('e2e');
  if (postgres) await migrateDatabase(databaseUrl);
  const ports = new Map<AppName, number>();
  const counts = new Map<AppName, number>();

  // The first realtime's port is known before the API starts: the API tells web pages where it is.
  const firstRealtimePort = await freePort();
  const addService = async (app: AppName, env: Record<string, string> = {}) => {
    const port = app === 'realtime' && !ports.has(app) ? firstRealtimePort : await freePort();
    if (!ports.has(app)) ports.set(app, port);
    const count = (counts.get(app) ?? 0) + 1;
    counts.set(app, count);
    const service = new ServiceProcess({
      app,
      port,
      env: {
        NATS_URL: natsUrl,
        ...clusterEnv,
        ...natsAuthEnv(natsAuth, app),
        ...(certificate && { NATS_TLS_CA: certificate.ca }),
        DATABASE_URL: databaseUrl,
        HRM_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        HRM_SECRET_KEY: TEST_SECRET_KEY,
        LOG_LEVEL: process.env.HRM_TEST_LOG_LEVEL ?? 'warn',
        [portVariable[app]]: String(port),
        HRM_INSTANCE: `${app}-${count}`,
        // The tests play minutes of a class in seconds, with sample times ahead of the clock
        // (up to 400 s): far more than a real gateway's skew. The test of that bound sets its own.
        INGEST_MAX_FUTURE_MS: String(TEST_MAX_FUTURE_MS),
        ...(app === 'api' && { HRM_PUBLIC_REALTIME_URL: `http://127.0.0.1:${firstRealtimePort}` }),
        ...extraEnv,
        ...env,
      },
      onLine: process.env.HRM_TEST_VERBOSE
        ? (line) => process.stdout.write(`[${app}#${count}] ${line}\n`)
        : undefined,
    });
    await service.start();
    services.set(count === 1 ? app : `${app}#${count}`, service);
    return service;
  };

  for (const app of apps) await addService(app);
  const apiUrl = `http://127.0.0.1:${ports.get('api') ?? 0}`;

  const natsOptions = (creds?: string): NodeConnectionOptions => ({
    servers: natsUrl.split(','),
    ...credsOptions(creds ?? fs.readFileSync(natsAuth.creds.tools, 'utf8')),
    ...(certificate && { tls: { caFile: certificate.ca } }),
  });
  const { authority } = natsAuth;
  const gatewayCreds = async (studioId: string, gatewayId: string) =>
    (await gatewayUserCreds(authority.account.getPublicKey(), authority.accountSigner, studioId, gatewayId))
      .creds;
  return {
    nats,
    cluster,
    natsUrl,
    natsAuth,
    certificate,
    natsOptions,
    connectNats: (creds, extra = {}) => connect({ ...natsOptions(creds), ...extra }),
    gatewayCreds,
    async connectGateway(studioId, gatewayId, extra = {}) {
      const connection = await connect({
        ...natsOptions(await gatewayCreds(studioId, gatewayId)),
        inboxPrefix: gatewayInboxPrefix(studioId, gatewayId),
        ...extra,
      });
      parts.connections.push(connection);
      return connection;
    },
    natsViolations: () => [...violations],
    postgres,
    databaseUrl,
    services,
    apiUrl,
    realtimeUrl: `http://127.0.0.1:${ports.get('realtime') ?? 0}`,
    addService,
    service(name) {
      const service = services.get(name);
      if (!service) throw new Error(`no service ${name} in this stack`);
      return service;
    },
    serviceUrl(name) {
      const service = services.get(name);
      if (!service) throw new Error(`no service ${name} in this stack`);
      return `http://127.0.0.1:${service.options.port}`;
    },
    async api(method, route, body, token = TEST_ADMIN_TOKEN) {
      const response = await fetch(`${apiUrl}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text === '' ? null : JSON.parse(text),
        headers: response.headers,
      };
    },
    stop,
  };
}
