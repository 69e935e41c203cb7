// The whole local stack in one process tree: NATS and Postgres (unless given),
// migrations, the four services, the demo; stopped in reverse order on a
// signal, or with exit code 1 when a service dies on its own.
import fs from 'node:fs';
import path from 'node:path';
import type { StackEnv } from '#config';
import { migrateDatabase, type AppName } from '#localstack';
import { natsAuthEnv } from '#nats-auth';
import { resolveAdminToken, type AdminToken } from './admin-token.js';
import { ApiClient } from './api-client.js';
import { bannerLines, type BannerDemo } from './banner.js';
import type { DemoGateway } from './demo-gateway.js';
import { runDemo } from './demo-run.js';
import { DemoSpotify } from './demo-spotify.js';
import { Infra, natsAuthDir } from './infra.js';
import { onStopSignals } from './launcher.js';
import { formatPrefixed } from './log-format.js';
import { readPortMemory, writePortMemory } from './ports.js';
import { resolveSecretKey } from './secret-key.js';
import { FIRST_APPS, OTHER_APPS, Services, servicePorts } from './services.js';

const colour = process.stdout.isTTY === true;
const say = (name: string, line: string) => process.stdout.write(formatPrefixed(name, line, colour) + '\n');
const sayAll = (name: string, text: string) => text.split('\n').forEach((line) => say(name, line));
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

class Stack {
  private infra: Infra | null = null;
  private services: Services | null = null;
  private gateway: DemoGateway | null = null;
  private spotify: DemoSpotify | null = null;
  /** The step in progress: a stop waits for it, so nothing half-started is left behind. */
  private step: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  private finish: (code: number) => void = () => undefined;
  private exitCode = 0;
  readonly finished = new Promise<number>((resolve) => (this.finish = resolve));
  private readonly dataDir: string;

  constructor(private readonly env: StackEnv) {
    this.dataDir = path.resolve(env.HRM_DATA_DIR);
  }

  /** The CA the services and the demo trust for our NATS's certificate (else the system's). */
  private get natsTlsCa(): string | undefined {
    return this.env.NATS_TLS_CA === undefined ? undefined : path.resolve(this.env.NATS_TLS_CA);
  }

  /**
   * A service's NATS identity: its own user's creds when NATS is ours; on our
   * cluster, streams with a replica on each node.
   */
  private natsEnv(infra: Infra, app: AppName): Record<string, string> {
    const ca = this.natsTlsCa;
    const nodes = infra.natsNodes.length;
    return {
      ...(infra.natsAuth !== null && natsAuthEnv(infra.natsAuth, app)),
      ...(ca !== undefined && { NATS_TLS_CA: ca }),
      ...(nodes > 1 && { HRM_STREAM_REPLICAS: String(nodes) }),
    };
  }

  private get stopRequested(): boolean {
    return this.stopping !== null;
  }

  private run<T>(work: Promise<T>): Promise<T> {
    this.step = work.catch(() => undefined);
    return work;
  }

  private readonly startedAt = performance.now();
  private readonly elapsed = () => `(${((performance.now() - this.startedAt) / 1000).toFixed(1)} s)`;

  async start(): Promise<void> {
    const { env, elapsed } = this;
    fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o755 });
    const adminToken = resolveAdminToken(this.dataDir, env.HRM_ADMIN_TOKEN);
    const secretKey = resolveSecretKey(this.dataDir, env.HRM_SECRET_KEY);
    const ports = servicePorts(env);
    say('stack', `starting in ${this.dataDir}`);
    const tls =
      env.NATS_TLS_CERT !== undefined && env.NATS_TLS_KEY !== undefined
        ? { cert: path.resolve(env.NATS_TLS_CERT), key: path.resolve(env.NATS_TLS_KEY) }
        : undefined;
    const infra = new Infra({
      dataDir: this.dataDir,
      natsUrl: env.NATS_URL,
      databaseUrl: env.DATABASE_URL,
      servicePorts: Object.values(ports),
      tls,
      natsCluster: env.HRM_NATS_CLUSTER,
      syncInterval: env.HRM_NATS_SYNC_INTERVAL,
    });
    this.infra = infra;
    await this.run(infra.start());
    if (this.stopRequested) return;
    writePortMemory(this.dataDir, { ...readPortMemory(this.dataDir), api: ports.api });
    const nodes = infra.natsNodes;
    say(
      'stack',
      `NATS${nodes.length > 1 ? ` (a cluster of ${nodes.length}: ${nodes.map((node) => node.name).join(', ')})` : ''} and Postgres are up ${elapsed()}`,
    );
    const relocated = infra.relocatedCluster;
    if (relocated !== null) {
      say(
        'stack',
        `Postgres keeps its data in ${relocated.dir} (linked from ${relocated.link}): its user cannot enter this directory`,
      );
    }
    // The demo's music, unless a real Spotify app is configured.
    if (env.HRM_DEMO && env.SPOTIFY_CLIENT_ID === undefined) {
      this.spotify = await this.run(DemoSpotify.start(env.API_PORT).catch(() => null));
      if (this.stopRequested) return;
    }
    const services = new Services({
      ports,
      natsUrl: infra.natsUrl,
      databaseUrl: infra.databaseUrl,
      adminToken: adminToken.token,
      secretKey,
      ...(this.spotify !== null && { extraEnv: this.spotify.env() }),
      natsEnv: (app) => this.natsEnv(infra, app),
      onLine: say,
      onUnexpectedExit: (app, how, lastLines) => {
        say('stack', `${app} exited unexpectedly ${how}; its last lines:`);
        sayAll(app, lastLines);
        void this.stop(1, 'stopping everything');
      },
    });
    this.services = services;
    // The services boot while the migrations run (none needs a table to start; the API's
    // projections wait for theirs). The demo starts once both are done.
    const apiUp = services.start(FIRST_APPS);
    // On our cluster the API makes the replicated streams first: every stream
    // and bucket made by four services at once on a busy machine outlasts
    // JetStream's request timeout (5 s) while the cluster agrees on each.
    const othersUp =
      nodes.length > 1 ? apiUp.then(() => services.start(OTHER_APPS)) : services.start(OTHER_APPS);
    // Awaited below; this only keeps a failure meanwhile from going unhandled.
    for (const up of [apiUp, othersUp]) up.catch(() => undefined);
    const migrated = await this.run(migrateDatabase(infra.databaseUrl));
    if (this.stopRequested) return;
    say(
      'stack',
      `${migrated.length === 0 ? 'database schema up to date' : `applied ${migrated.join(', ')}`} ${elapsed()}`,
    );
    const apiHealthy = apiUp.then(() => say('stack', `the API is healthy ${elapsed()}`));
    // The demo signs its studio in to Spotify through the worker: on the cluster, that starts after the API.
    const demoReady = Promise.all([apiHealthy, nodes.length > 1 && othersUp]).then(() => {
      return env.HRM_DEMO ? this.startDemo(adminToken, infra.natsUrl) : null;
    });
    // Both settle before anything is stopped: a demo half set up is never left behind.
    const [others, demo] = await this.run(Promise.allSettled([othersUp, demoReady]));
    if (others.status === 'rejected') throw others.reason;
    if (demo.status === 'rejected') throw demo.reason;
    if (this.stopRequested) return;
    const banner = bannerLines(
      {
        ports,
        natsUrl: infra.natsUrl,
        natsCredsDir: infra.natsAuth === null ? undefined : path.join(natsAuthDir(this.dataDir), 'creds'),
        natsTls: tls !== undefined,
        natsNodes: infra.natsNodes,
        databaseUrl: infra.databaseUrl,
        adminToken: adminToken.token,
        adminTokenSource: adminToken.source,
        dataDir: this.dataDir,
        startedInMs: performance.now() - this.startedAt,
        demo: demo.value,
        demoSpotifyUrl: demo.value?.spotify === true ? (this.spotify?.url ?? null) : null,
      },
      colour,
    );
    process.stdout.write(banner.join('\n') + '\n');
  }

  /** The demo is a convenience: when it cannot be set up, the stack runs without it. */
  private async startDemo(adminToken: AdminToken, natsUrl: string): Promise<BannerDemo | null> {
    try {
      const running = await runDemo({
        api: new ApiClient(`http://127.0.0.1:${this.env.API_PORT}`, adminToken.token),
        adminToken: adminToken.token,
        natsUrl,
        natsTlsCa: this.natsTlsCa,
        dataDir: this.dataDir,
        spotify: this.spotify,
        say: (line) => say('demo', line),
        elapsed: this.elapsed,
        onGatewayError: (error) => say('demo', `the simulated gateway stopped: ${error.message}`),
      });
      this.gateway = running.gateway;
      return running.demo;
    } catch (error) {
      say('demo', `the demo could not be set up, the stack runs without it: ${messageOf(error)}`);
      return null;
    }
  }

  /** Idempotent: the simulator, the services in reverse order, Postgres, NATS. */
  stop(code: number, reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.exitCode = code;
      say('stack', reason);
      await this.step;
      await this.gateway?.stop();
      await this.services?.stop();
      await this.spotify?.stop();
      await this.infra?.stop();
      say('stack', 'stopped; the data is kept for the next start');
      this.finish(this.exitCode);
    })();
    return this.stopping;
  }

  /**
   * A second Ctrl-C: kill what is running, without waiting for clean shutdowns,
   * and end within 3 s whatever hangs (the launcher SIGKILLs this whole process
   * group at 4 s, and our children die with us: tether.ts).
   */
  force(): void {
    say('stack', 'forcing a stop');
    const killed = Promise.allSettled([
      this.gateway?.stop(),
      this.services?.stop(true),
      this.infra?.stop(true),
    ]);
    const exit = () => this.finish(this.exitCode === 0 ? 1 : this.exitCode);
    void killed.then(exit);
    setTimeout(exit, 3000).unref();
  }
}

/** Runs the stack until it stops; resolves to the process's exit code. */
export async function supervise(env: StackEnv): Promise<number> {
  process.stdout.on('error', () => undefined);
  const stack = new Stack(env);
  onStopSignals(
    (signal) => void stack.stop(0, `${signal}: stopping (again to force)`),
    () => stack.force(),
  );
  // The launcher is gone (killed): nobody is left to forward a signal.
  process.on('disconnect', () => void stack.stop(0, 'the launcher went away: stopping'));
  // A bug must not leave NATS, Postgres and services running without their supervisor.
  process.on('uncaughtException', (error) => {
    process.stderr.write(`npm start: unexpected error: ${error.stack ?? error.message}\n`);
    void stack.stop(1, 'stopping everything');
    setTimeout(() => stack.force(), 15_000).unref();
  });
  // Not awaited: a start that hangs (a child that never answers) must not keep
  // a stop, or a forced stop, from ending this process.
  stack.start().catch((error: unknown) => {
    process.stderr.write(`npm start: ${messageOf(error)}\n`);
    void stack.stop(1, 'stopping what was started');
  });
  return stack.finished;
}
