// The Dockerfile replayed without a container engine (issue 13, finding 2): the
// build context is the repository as .dockerignore filters it; every stage, in
// order, gets a temporary directory standing for its `/`; COPY takes files from
// the context or (--from) from the earlier stage's directory, ENV goes into the
// environment, RUN runs with sh in WORKDIR (so `npm ci` really installs from
// the registry, through npm's cache). Then each image's CMD is started as the
// container would start it: the migrations on an empty database, the four
// services up to their /healthz, the demo up to its summary. An ordering
// mistake (a script run before it is copied, a file a later stage forgets)
// fails here as it would fail `docker build` or the container.
//
// What the replay cannot stand in for, and so leaves out:
// - the base image: the local Node runs everything (the image's Node major is
//   the one test/compose.spec.ts holds FROM to);
// - `apt-get` (the migrate image's openssl, which only quiets a Prisma
//   warning): Debian's packages are not this machine's to install; those RUN
//   steps are skipped, and the test lists which;
// - USER: nothing is chowned, every step runs as this test's user.
// The build stage runs once (about a minute, mostly `npm ci` and `tsc`); the
// runtime stages are hard links of it plus their own COPY steps.
import { afterAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { NatsServer, freePort } from '#localstack';
import { TEST_ADMIN_TOKEN, TEST_SECRET_KEY, temporaryDirectory, withDatabase } from '#testing';
import { Child } from './support/child.js';
import {
  DockerIgnore,
  copyContext,
  hostPath,
  parseDockerfile,
  replay,
  type ReplayedStage,
} from './support/dockerfile.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVICES = {
  api: 'API_PORT',
  ingest: 'INGEST_PORT',
  realtime: 'REALTIME_PORT',
  'spotify-worker': 'SPOTIFY_WORKER_PORT',
} as const;
type ServiceName = keyof typeof SERVICES;
const DEMO_SPOTIFY_SECRET = 'replay-fake-spotify-secret';

const dockerignoreFile = path.join(root, '.dockerignore');
const ignore = DockerIgnore.parse(
  fs.existsSync(dockerignoreFile) ? fs.readFileSync(dockerignoreFile, 'utf8') : '',
);

/** Only apt-get (and its clean-up) cannot run here; anything else must. */
function cannotRun(command: string): string | null {
  const steps = command.split(/&&|;/).map((step) => step.trim());
  const aptOnly = steps.every(
    (step) => /^apt-get\b/.test(step) || /^rm -rf \/var\/lib\/apt\/lists\/?\*?$/.test(step),
  );
  if (aptOnly) return 'Debian packages cannot be installed by this test';
  return null;
}

/** PATH without any node_modules/.bin of this checkout: the replay must bring its own tools. */
function replayPath(): string {
  const entries = (process.env.PATH ?? '')
    .split(':')
    .filter((entry) => entry !== '' && !entry.includes('node_modules'));
  return [path.dirname(process.execPath), ...entries].join(':');
}

describe('.dockerignore', () => {
  it('exists and keeps local installs, builds, data, secrets and generated code out of the context', () => {
    expect(fs.existsSync(dockerignoreFile)).toBe(true);
    const leftOut = [
      'node_modules/zod/package.json',
      'libs/db/node_modules/x/index.js',
      'dist/apps/api/src/main.js',
      '.data/postgres/PG_VERSION',
      '.data/admin-token',
      '.env',
      '.git/HEAD',
      'libs/db/src/generated/client.ts',
      'test/compose.spec.ts',
    ];
    const kept = [
      'package.json',
      'package-lock.json',
      'prisma.config.ts',
      'prisma/schema.prisma',
      'tsconfig.build.json',
      'apps/api/src/main.ts',
      'libs/db/src/index.ts',
      'scripts/ensure-build.mjs',
      'scripts/demo.ts',
    ];
    expect(leftOut.filter((file) => !ignore.excludes(file))).toEqual([]);
    expect(kept.filter((file) => ignore.excludes(file))).toEqual([]);
  });
});

describe('the Dockerfile, replayed stage by stage with the local Node', () => {
  const workspace = temporaryDirectory('hrm-dockerfile-replay');
  const children: Child[] = [];
  let stages: Map<string, ReplayedStage> | null = null;
  let nats: NatsServer | null = null;
  let databaseUrl = '';
  const ports = new Map<string, number>();

  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop(3000)));
    await nats?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  function stage(name: string): ReplayedStage {
    const found = stages?.get(name);
    if (found === undefined)
      throw new Error(`no replayed stage ${name}: the replay failed (see the test above)`);
    return found;
  }

  const natsAuthDir = path.join(workspace, 'nats-auth');

  /** As compose: the nats-setup image's CMD prepares the auth, nats-server runs on the configuration it wrote. */
  async function startNatsAsCompose(): Promise<NatsServer> {
    const setup = startCmd('nats-setup', { NATS_AUTH_DIR: natsAuthDir });
    const exit = await setup.exited;
    if (exit.code !== 0) throw new Error(`nats-setup exited with ${exit.code}:\n${setup.output()}`);
    const config = fs.readFileSync(path.join(natsAuthDir, 'nats-server.conf'), 'utf8');
    return NatsServer.start({ dataDir: path.join(workspace, 'nats'), auth: config });
  }

  /** Each service's own creds, as docker-compose.yml hands them out (the API also the gateway admin's). */
  function natsCredsAsCompose(service: ServiceName): Record<string, string> {
    return {
      NATS_CREDS: path.join(natsAuthDir, 'creds', `${service}.creds`),
      ...(service === 'api' && {
        NATS_ACCOUNT_SIGNER: path.join(natsAuthDir, 'keys', 'account-signer.nk'),
        NATS_OPERATOR_SIGNER: path.join(natsAuthDir, 'keys', 'operator-signer.nk'),
        NATS_ACCOUNT_ADMIN_CREDS: path.join(natsAuthDir, 'creds', 'account-admin.creds'),
      }),
    };
  }

  /** The stage's CMD, from its WORKDIR, with its ENV and `env` (what compose would add). */
  function startCmd(name: string, env: Record<string, string>, args: string[] = []): Child {
    const replayed = stage(name);
    const [command, ...rest] = replayed.cmd;
    expect(command).toBe('node');
    const child = new Child(process.execPath, [...rest, ...args], {
      cwd: hostPath(replayed, '.'),
      env: { PATH: replayPath(), ...replayed.env, ...env },
    });
    children.push(child);
    return child;
  }

  it('builds: every COPY finds its source in the context or an earlier stage, every RUN succeeds', async () => {
    const context = path.join(workspace, 'context');
    const files = copyContext(root, ignore, context);
    // What .dockerignore leaves out does not reach the build, whatever this checkout holds.
    expect(files.filter((file) => /(^|\/)(node_modules|dist|\.data|\.git)(\/|$)/.test(file))).toEqual([]);
    expect(files.filter((file) => file.startsWith('libs/db/src/generated/'))).toEqual([]);
    const dockerfile = parseDockerfile(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
    stages = await replay(dockerfile, {
      context,
      workspace: path.join(workspace, 'stages'),
      baseEnv: { PATH: replayPath(), HOME: process.env.HOME ?? workspace },
      cannotRun,
    });
    // Only the migrate image's openssl is left out.
    const skipped = [...stages.values()].flatMap((replayed) =>
      replayed.skipped.map((step) => `${replayed.name}: ${step}`),
    );
    expect(skipped).toEqual([expect.stringMatching(/^migrate: RUN apt-get update .*openssl/)]);
  }, 300_000);

  it('migrate: its CMD applies the migrations to an empty database', async () => {
    const adminUrl = process.env.HRM_TEST_DATABASE_URL ?? '';
    const name = `hrm_replay_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    databaseUrl = withDatabase(adminUrl, name);
    const migrate = startCmd('migrate', { DATABASE_URL: databaseUrl });
    const exit = await migrate.exited;
    if (exit.code !== 0) throw new Error(`migrate exited with ${exit.code}:\n${migrate.output()}`);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const applied = await client.query(
        'SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL',
      );
      const migrations = fs
        .readdirSync(path.join(root, 'prisma/migrations'), { withFileTypes: true })
        .filter((entry) => entry.isDirectory());
      expect(applied.rows[0]).toEqual({ n: migrations.length });
    } finally {
      await client.end();
    }
  }, 60_000);

  it.each(Object.keys(SERVICES) as ServiceName[])(
    '%s: its CMD loads every module and answers GET /healthz',
    async (service) => {
      expect(databaseUrl).not.toBe('');
      nats ??= await startNatsAsCompose();
      if (!ports.has('demo-spotify')) ports.set('demo-spotify', await freePort());
      const port = await freePort();
      ports.set(service, port);
      const spotifyUrl = `http://127.0.0.1:${ports.get('demo-spotify') ?? 0}`;
      const child = startCmd(service, {
        NATS_URL: nats.url,
        ...natsCredsAsCompose(service),
        DATABASE_URL: databaseUrl,
        HRM_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        HRM_SECRET_KEY: TEST_SECRET_KEY,
        LOG_LEVEL: 'warn',
        [SERVICES[service]]: String(port),
        // As compose.demo.env sets the worker up: the demo's fake Spotify.
        ...(service === 'spotify-worker' && {
          SPOTIFY_CLIENT_ID: 'hrm-demo',
          SPOTIFY_CLIENT_SECRET: DEMO_SPOTIFY_SECRET,
          SPOTIFY_ACCOUNTS_URL: spotifyUrl,
          SPOTIFY_API_URL: spotifyUrl,
        }),
      });
      const deadline = Date.now() + 30_000;
      let healthy = false;
      while (!healthy && child.running && Date.now() < deadline) {
        healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (response) => response.ok,
          () => false,
        );
        if (!healthy) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(child.output()).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)/);
      expect({ healthy, running: child.running }).toEqual({ healthy: true, running: true });
      if (service === 'api') await expectWebPages(`http://127.0.0.1:${port}`);
    },
    45_000,
  );

  /** The API image serves the web app it was built with: a page, and every asset the page names. */
  async function expectWebPages(apiUrl: string): Promise<void> {
    const page = await fetch(`${apiUrl}/screen/s_replay`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(([, asset]) => asset);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect((await fetch(`${apiUrl}${asset ?? ''}`)).status).toBe(200);
  }

  it('demo: its CMD sets up the demo class through the replayed services and plays the fake Spotify', async () => {
    const apiPort = ports.get('api');
    const spotifyPort = ports.get('demo-spotify');
    expect(nats).not.toBeNull();
    const demo = startCmd('demo', {
      API_URL: `http://127.0.0.1:${apiPort ?? 0}`,
      NATS_URL: nats?.url ?? '',
      HRM_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      REALTIME_HOST_PORT: String(ports.get('realtime') ?? 0),
      DEMO_SPOTIFY: '1',
      DEMO_SPOTIFY_PORT: String(spotifyPort ?? 0),
      SPOTIFY_CLIENT_ID: 'hrm-demo',
      SPOTIFY_CLIENT_SECRET: DEMO_SPOTIFY_SECRET,
    });
    await demo.line(/^\s+Class\s+\S+\s+\(live, new\)$/, 45_000);
    await demo.line(/^\s+Music\s+a FAKE Spotify/, 5000);
    // It remembers the class where the image's HRM_DATA_DIR says (compose mounts a volume there).
    expect(fs.existsSync(path.join(stage('demo').env.HRM_DATA_DIR ?? '', 'demo.json'))).toBe(true);
    expect(await demo.stop(5000)).toEqual({ code: 0, signal: null });
  }, 60_000);
});
