// docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so
// this test reads them and holds them to the code: one Dockerfile target and one
// compose service per app, environments that the services' own config schemas
// accept, ports that agree everywhere, two realtime instances, a three-node
// NATS JetStream cluster every service reaches, with replicated streams and
// fsync before each ack, and durable storage for JetStream and Postgres.
import { afterAll, describe, it, expect } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z, type ZodObject } from 'zod';
import fs from 'node:fs';
import os from 'node:os';
import { apiEnv, demoEnv, ingestEnv, migrateEnv, natsSetupEnv, realtimeEnv, spotifyWorkerEnv } from '#config';
import { natsAuthEnv, prepareNatsAuth, type NatsUserName, type PreparedNatsAuth } from '#nats-auth';
import { SERVER_CONFIG_FILE, serverConfigText } from '../scripts/nats-setup.js';
import { execForm, parseDockerfile, type Stage } from './support/dockerfile.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------
// What the code says each app is.

interface AppSpec {
  schema: ZodObject;
  /** The variable the app listens on. */
  portKey: string;
}

const APPS: Record<string, AppSpec> = {
  api: { schema: apiEnv, portKey: 'API_PORT' },
  realtime: { schema: realtimeEnv, portKey: 'REALTIME_PORT' },
  ingest: { schema: ingestEnv, portKey: 'INGEST_PORT' },
  'spotify-worker': { schema: spotifyWorkerEnv, portKey: 'SPOTIFY_WORKER_PORT' },
};
const REALTIME_INSTANCES = 2;
/** The NATS cluster: its nodes, and the replicas every service asks for its streams. */
const NATS_NODES = ['nats-1', 'nats-2', 'nats-3'];
const STREAM_REPLICAS = 3;
const NODE_IMAGE = 'node:20-bookworm-slim';

/** Values for `${VAR}` interpolations; anything else must have a default. */
const SAMPLE_VARS: Record<string, string> = {
  HRM_ADMIN_TOKEN: 'sample-operator-token-0123456789',
  HRM_SECRET_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};

/** Every service directory (apps/<name>/src/main.ts), plus the four the architecture names (so a missing directory cannot hide one). */
function appNames(): string[] {
  const appsDir = path.join(root, 'apps');
  const dirs = existsSync(appsDir)
    ? readdirSync(appsDir, { withFileTypes: true })
        // A service has an entry point; apps/web is pages the API serves, not a process of its own.
        .filter(
          (entry) => entry.isDirectory() && existsSync(path.join(appsDir, entry.name, 'src', 'main.ts')),
        )
        .map((entry) => entry.name)
    : [];
  return [...new Set([...Object.keys(APPS), ...dirs])].sort();
}

/** The apps this test knows the config schema of (another test fails when that is not all of them). */
const knownApps = (): string[] => appNames().filter((app) => app in APPS);

function appSpec(app: string): AppSpec {
  const spec = APPS[app];
  if (!spec) throw new Error(`apps/${app} has no config schema in this test: add it to APPS`);
  return spec;
}

/** The port the schema falls back to when its variable is unset. */
function defaultPort(spec: AppSpec): number {
  const field = spec.schema.shape[spec.portKey];
  if (!field) throw new Error(`${spec.portKey} is not a key of its schema`);
  const parsed = field.safeParse(undefined);
  if (!parsed.success || typeof parsed.data !== 'number')
    throw new Error(`${spec.portKey} has no default port`);
  return parsed.data;
}

// ---------------------------------------------------------------------------
// docker-compose.yml

// The part of the compose format this test reads, parsed like any outside input.
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const serviceSchema = z.object({
  image: z.string().optional(),
  profiles: z.array(z.string()).optional(),
  build: z
    .union([
      z.string(),
      z.object({
        context: z.string().optional(),
        target: z.string().optional(),
        dockerfile: z.string().optional(),
      }),
    ])
    .optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  environment: z.union([z.record(z.string(), scalar), z.array(z.string())]).optional(),
  ports: z
    .array(
      z.union([
        z.string(),
        z.number(),
        z.object({ target: z.number(), published: z.union([z.string(), z.number()]).optional() }),
      ]),
    )
    .optional(),
  expose: z.array(z.union([z.string(), z.number()])).optional(),
  volumes: z
    .array(
      z.union([
        z.string(),
        z.object({ type: z.string().optional(), source: z.string().optional(), target: z.string() }),
      ]),
    )
    .optional(),
  depends_on: z
    .union([z.array(z.string()), z.record(z.string(), z.object({ condition: z.string().optional() }))])
    .optional(),
  deploy: z.object({ replicas: z.number().optional() }).optional(),
  restart: z.string().optional(),
  healthcheck: z.object({ test: z.union([z.string(), z.array(z.string())]).optional() }).optional(),
});
type Service = z.infer<typeof serviceSchema>;
const composeSchema = z.object({
  services: z.record(z.string(), serviceSchema),
  volumes: z.record(z.string(), z.unknown()).optional(),
  'x-common-env': z.record(z.string(), z.string()).optional(),
});

// Compose resolves `<<` merge keys (YAML 1.1); the file uses them for shared settings.
const compose = composeSchema.parse(
  YAML.parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }),
);
const services = compose.services;

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function buildTarget(svc: Service): string | undefined {
  return typeof svc.build === 'object' ? svc.build.target : undefined;
}

/** The services built from a Dockerfile target. */
function servicesOf(target: string): Array<[string, Service]> {
  return Object.entries(services).filter(([, svc]) => buildTarget(svc) === target);
}

function environmentOf(svc: Service): Record<string, string> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((item) => {
        const at = item.indexOf('=');
        return at < 0 ? [item, ''] : [item.slice(0, at), item.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]),
  );
}

/** Compose interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `$$`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = braced ?? bare ?? '';
      const current = vars[name];
      const missing = op?.startsWith(':') ? !current : current === undefined;
      if (!missing) return current ?? '';
      if (op?.endsWith('-')) return arg ?? '';
      if (op?.endsWith('?')) throw new Error(`required variable ${name} is missing: ${arg ?? ''}`);
      return '';
    },
  );
}

function interpolateAll(env: Record<string, string>, vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, interpolate(value, vars)]));
}

function parsePortRange(text: string): [number, number] {
  const [low, high = low] = text.split('-').map(Number);
  if (low === undefined || high === undefined || !Number.isInteger(low) || !Number.isInteger(high)) {
    throw new Error(`bad port "${text}"`);
  }
  return [low, high];
}

interface PortMapping {
  container: number;
  /** Host port range, inclusive; undefined when not published on a fixed port. */
  host?: [number, number];
}

function portMappings(svc: Service): PortMapping[] {
  const mappings: PortMapping[] = [];
  for (const port of svc.ports ?? []) {
    if (typeof port === 'object') {
      mappings.push({
        container: port.target,
        ...(port.published === undefined ? {} : { host: parsePortRange(String(port.published)) }),
      });
      continue;
    }
    // [ip:][host:]container[/protocol]
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const containerPart = parts.at(-1) ?? '';
    const hostPart = parts.length >= 2 ? parts.at(-2) : undefined;
    const [container, containerHigh] = parsePortRange(containerPart);
    expect(containerHigh).toBe(container); // one container port per mapping in this file
    mappings.push({ container, ...(hostPart ? { host: parsePortRange(hostPart) } : {}) });
  }
  return mappings;
}

/** Every port the service listens on inside its container: published or only exposed. */
function containerPorts(svc: Service): number[] {
  const exposed = (svc.expose ?? []).map(
    (port) => parsePortRange(String(port).replace(/\/(tcp|udp)$/, ''))[0],
  );
  return [...new Set([...portMappings(svc).map((mapping) => mapping.container), ...exposed])];
}

function dependsOn(svc: Service): Record<string, string> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(deps).map(([name, dep]) => [name, dep.condition ?? 'service_started']),
  );
}

function commandOf(svc: Service): string[] {
  if (svc.command === undefined) return [];
  return Array.isArray(svc.command) ? svc.command.map(String) : svc.command.split(/\s+/).filter(Boolean);
}

function healthcheckText(svc: Service): string {
  const test = svc.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

/** The value after a command-line flag (any of its spellings), if given. */
function flagValue(svc: Service, ...flags: string[]): string | undefined {
  const command = commandOf(svc);
  const at = command.findIndex((arg) => flags.includes(arg));
  return at < 0 ? undefined : command[at + 1];
}

/** The services running nats-server (the official image), by name. */
function natsNodes(): Array<[string, Service]> {
  return Object.entries(services).filter(([, svc]) => svc.image?.startsWith('nats:') === true);
}

/** Where a node's clients connect: its name on the compose network and its client port. */
function natsClientAddress(name: string): string {
  return `${name}:${flagValue(service(name), '-p', '--port') ?? '4222'}`;
}

/** `host:port` of each server in a comma-separated list of NATS URLs. */
function natsAddresses(urls: string): string[] {
  return urls.split(',').map((url) => {
    const parsed = new URL(url.trim());
    return `${parsed.hostname}:${parsed.port}`;
  });
}

/** The named volume mounted at `target`, if any (a bind mount does not count). */
function namedVolumeAt(svc: Service, target: string): string | undefined {
  for (const volume of svc.volumes ?? []) {
    const [source, mountedAt] =
      typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
    const named = source !== undefined && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source);
    if (mountedAt === target && named) return source;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Dockerfile

const stages = parseDockerfile(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));

function stage(name: string): Stage {
  const found = stages.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`Dockerfile has no "FROM ... AS ${name}"`);
  return found;
}

/** The stage and the stages it is built FROM, base first. */
function chain(name: string): Stage[] {
  const result: Stage[] = [];
  for (let current: Stage | undefined = stage(name); current;) {
    result.unshift(current);
    const from: string = current.from;
    current = stages.find((candidate) => candidate.name === from);
  }
  return result;
}

function instructionsOf(target: string, op: string): string[] {
  return chain(target).flatMap((s) => s.instructions.filter((i) => i.op === op).map((i) => i.args));
}

function effectiveCmd(target: string): string[] {
  const cmd = instructionsOf(target, 'CMD').at(-1);
  return cmd === undefined ? [] : execForm(cmd);
}

function effectiveUser(target: string): string | undefined {
  return instructionsOf(target, 'USER').at(-1);
}

function exposedPorts(target: string): number[] {
  return instructionsOf(target, 'EXPOSE').flatMap((args) =>
    args.split(/\s+/).map((port) => parsePortRange(port.replace(/\/(tcp|udp)$/, ''))[0]),
  );
}

// ---------------------------------------------------------------------------

describe('apps', () => {
  it('each have a config schema and a port variable known to this test', () => {
    expect(appNames().filter((app) => !(app in APPS))).toEqual([]);
  });
});

describe('Dockerfile', () => {
  it('builds with npm ci and npm run build on node 20 (bookworm-slim)', () => {
    const build = stage('build');
    const runs = build.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.some((run) => /\bnpm ci\b/.test(run))).toBe(true);
    expect(runs.some((run) => /\bnpm run build\b/.test(run))).toBe(true);
    expect(chain('build')[0]?.from).toBe(NODE_IMAGE);
  });

  it.each(knownApps())('has a target for %s that runs its entry point as a non-root user', (app) => {
    const spec = appSpec(app);
    expect(chain(app)[0]?.from).toBe(NODE_IMAGE);
    expect(effectiveCmd(app)).toEqual(['node', `dist/apps/${app}/src/main.js`]);
    expect(instructionsOf(app, 'ENTRYPOINT')).toEqual([]);
    // The compiled app is in the image.
    expect(instructionsOf(app, 'COPY').some((args) => args.includes(`dist/apps/${app}`))).toBe(true);
    const user = effectiveUser(app);
    expect(user).toBeDefined();
    expect(['root', '0', '0:0', 'root:root']).not.toContain(user);
    // EXPOSE says the port the app listens on when nothing overrides it.
    expect(exposedPorts(app)).toEqual([defaultPort(spec)]);
  });

  it('has a migrate target that applies the Prisma migrations with the project runner as a non-root user', () => {
    expect(effectiveCmd('migrate')).toEqual(['node', 'dist/scripts/migrate.js']);
    const copies = instructionsOf('migrate', 'COPY').join('\n');
    expect(copies).toContain('dist/scripts/migrate.js');
    expect(copies).toContain('dist/libs');
    expect(copies).toMatch(/\bprisma\b.*\.\/prisma\b/);
    expect(copies).toContain('node_modules');
    expect(['root', '0', undefined]).not.toContain(effectiveUser('migrate'));
  });

  it('has a demo target that runs scripts/demo.ts as a non-root user', () => {
    expect(chain('demo')[0]?.from).toBe(NODE_IMAGE);
    expect(effectiveCmd('demo')).toEqual(['node', 'dist/scripts/demo.js']);
    expect(instructionsOf('demo', 'COPY').some((args) => args.includes('dist/scripts'))).toBe(true);
    expect(['root', '0', undefined]).not.toContain(effectiveUser('demo'));
  });
});

describe('docker-compose.yml', () => {
  it('builds every service from an existing Dockerfile target in this directory', () => {
    const built = Object.entries(services).filter(([, svc]) => svc.build !== undefined);
    expect(built.length).toBeGreaterThan(0);
    for (const [name, svc] of built) {
      const target = buildTarget(svc);
      expect({ name, target }).toEqual({ name, target: expect.any(String) });
      expect(() => stage(target ?? '')).not.toThrow();
      const context = typeof svc.build === 'object' ? (svc.build.context ?? '.') : (svc.build ?? '.');
      expect({ name, context: path.resolve(root, context) }).toEqual({ name, context: root });
      expect({ name, image: svc.image }).toEqual({ name, image: `hrm/${target ?? ''}` });
    }
  });

  it.each(appNames())('has a service built from the %s target, as image hrm/<app>', (app) => {
    const built = servicesOf(app);
    expect(built.map(([name]) => name)).not.toEqual([]);
    for (const [, svc] of built) expect(svc.image).toBe(`hrm/${app}`);
    expect(() => stage(app)).not.toThrow();
  });

  describe.each(knownApps())('the %s service', (app) => {
    const spec = appSpec(app);
    const instances = servicesOf(app);
    // it.each refuses an empty table; the test above already fails in that case.
    if (instances.length === 0) return;

    it.each(instances)(
      '%s: sets only variables its config schema knows, and every required one',
      (_name, svc) => {
        const env = environmentOf(svc);
        const known = Object.keys(spec.schema.shape);
        expect(Object.keys(env).filter((key) => !known.includes(key))).toEqual([]);
        const required = Object.entries(spec.schema.shape)
          .filter(([, field]) => !field.safeParse(undefined).success)
          .map(([key]) => key);
        expect(required.filter((key) => !(key in env))).toEqual([]);
      },
    );

    it.each(instances)('%s: has an environment its schema accepts', (_name, svc) => {
      const env = interpolateAll(environmentOf(svc), SAMPLE_VARS);
      const result = spec.schema.safeParse(env);
      expect(result.success ? [] : result.error.issues).toEqual([]);
    });

    it.each(instances)('%s: listens on the port it publishes, and checks its health there', (_name, svc) => {
      const env = interpolateAll(environmentOf(svc), SAMPLE_VARS);
      const ports = containerPorts(svc);
      expect(ports).toHaveLength(1);
      const port = ports[0];
      expect(env[spec.portKey]).toBe(String(port));
      const parsed = spec.schema.safeParse(env);
      expect(parsed.success && parsed.data[spec.portKey]).toBe(port);
      expect(exposedPorts(app)).toContain(port);
      expect(healthcheckText(svc)).toContain(`127.0.0.1:${port}/healthz`);
    });

    it.each(instances)(
      '%s: shares the common environment and starts after migrate and every NATS node',
      (_name, svc) => {
        const common = compose['x-common-env'];
        expect(common).toBeDefined();
        expect(environmentOf(svc)).toEqual(expect.objectContaining(common ?? {}));
        const deps = dependsOn(svc);
        expect(deps['migrate']).toBe('service_completed_successfully');
        for (const node of NATS_NODES)
          expect({ node, dep: deps[node] }).toEqual({ node, dep: 'service_healthy' });
      },
    );
  });

  it('refuses to start without an operator token, and never ships a default one', () => {
    for (const app of appNames()) {
      for (const [name, svc] of servicesOf(app)) {
        const token = environmentOf(svc)['HRM_ADMIN_TOKEN'];
        expect({ name, token }).toEqual({
          name,
          token: expect.stringMatching(/^\$\{HRM_ADMIN_TOKEN:\?.+\}$/),
        });
        expect(() => interpolate(token ?? '', {})).toThrow(/HRM_ADMIN_TOKEN/);
      }
    }
  });

  it('points every service at all three NATS nodes and the postgres service', () => {
    const postgresEnv = environmentOf(service('postgres'));
    for (const app of appNames()) {
      for (const [name, svc] of servicesOf(app)) {
        const env = environmentOf(svc);
        const urls = env['NATS_URL'] ?? '';
        expect({ name, protocols: urls.split(',').map((url) => new URL(url.trim()).protocol) }).toEqual({
          name,
          protocols: NATS_NODES.map(() => 'nats:'),
        });
        expect({ name, nats: natsAddresses(urls).sort() }).toEqual({
          name,
          nats: NATS_NODES.map(natsClientAddress).sort(),
        });
        const db = new URL(env['DATABASE_URL'] ?? '');
        expect({ name, host: db.hostname, port: db.port || '5432' }).toEqual({
          name,
          host: 'postgres',
          port: '5432',
        });
        expect({ user: db.username, password: db.password, database: db.pathname.slice(1) }).toEqual({
          user: postgresEnv['POSTGRES_USER'],
          password: postgresEnv['POSTGRES_PASSWORD'],
          database: postgresEnv['POSTGRES_DB'],
        });
      }
    }
  });

  it('runs two realtime instances that do not fight over a host port or an instance name', () => {
    const realtime = servicesOf('realtime');
    const replicas = realtime.reduce((sum, [, svc]) => sum + (svc.deploy?.replicas ?? 1), 0);
    expect(replicas).toBe(REALTIME_INSTANCES);
    const names = realtime
      .map(([, svc]) => environmentOf(svc)['HRM_INSTANCE'])
      .filter((name): name is string => name !== undefined);
    expect(new Set(names).size).toBe(names.length);
  });

  it('publishes no host port twice (counting replicas)', () => {
    const taken: number[] = [];
    for (const [name, svc] of Object.entries(services)) {
      const replicas = svc.deploy?.replicas ?? 1;
      for (const { host } of portMappings(svc)) {
        if (!host) continue;
        const [low, high] = host;
        if (low === high) {
          // Every replica would bind the same port.
          expect({ name, replicas }).toEqual({ name, replicas: 1 });
          taken.push(low);
        } else {
          // Compose hands each replica one port of the range.
          expect({ name, enough: high - low + 1 >= replicas }).toEqual({ name, enough: true });
          for (let port = low; port <= high; port += 1) taken.push(port);
        }
      }
    }
    expect(taken.filter((port, index) => taken.indexOf(port) !== index)).toEqual([]);
  });

  it.each(NATS_NODES)('runs NATS node %s with JetStream storing to a named volume', (node) => {
    const nats = service(node);
    expect(nats.image).toMatch(/^nats:2\.\d+/);
    const command = commandOf(nats);
    expect(command.includes('-js') || command.includes('--jetstream')).toBe(true);
    const storeDir = flagValue(nats, '-sd', '--store_dir');
    expect(storeDir).toBeDefined();
    const volume = namedVolumeAt(nats, storeDir ?? '');
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  it('runs Postgres with its data on a named volume, a readiness check and the hrm database', () => {
    const postgres = service('postgres');
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(environmentOf(postgres)['POSTGRES_DB']).toBe('hrm');
    const volume = namedVolumeAt(postgres, '/var/lib/postgresql/data');
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    expect(healthcheckText(postgres)).toContain('pg_isready');
  });

  it('publishes the NATS client port for gateways, on the first node only', () => {
    expect(portMappings(service('nats-1'))).toContainEqual({ container: 4222, host: [4222, 4222] });
    for (const node of NATS_NODES.slice(1))
      expect({ node, ports: portMappings(service(node)) }).toEqual({ node, ports: [] });
  });

  it('migrates the same database the services use, once Postgres is healthy', () => {
    const migrate = service('migrate');
    expect(buildTarget(migrate)).toBe('migrate');
    expect(dependsOn(migrate)['postgres']).toBe('service_healthy');
    const url = environmentOf(migrate)['DATABASE_URL'];
    expect(url).toBeDefined();
    for (const app of appNames()) {
      for (const [, svc] of servicesOf(app)) expect(environmentOf(svc)['DATABASE_URL']).toBe(url);
    }
  });
});

// ---------------------------------------------------------------------------
// The demo profile: `docker compose --profile demo up` adds the demo of
// `npm start`; compose.demo.env points the Spotify worker at its fake Spotify.

/** KEY=value lines of an env file, as compose reads `--env-file`. */
function readEnvFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)];
      }),
  );
}

const demoEnvFile = path.join(root, 'compose.demo.env');
const DEMO_FILE_VARS = { ...readEnvFile(demoEnvFile), ...SAMPLE_VARS };

/** The image's ENV of a target (the last value of each key along its chain). */
function imageEnv(target: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of instructionsOf(target, 'ENV')) {
    for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S*)/g))
      env[match[1] ?? ''] = match[2] ?? '';
  }
  return env;
}

describe('docker-compose.yml, profile demo', () => {
  const demo = service('demo');

  it('runs the demo only with --profile demo, and every platform service without a profile', () => {
    expect(demo.profiles).toEqual(['demo']);
    const profiled = Object.entries(services)
      .filter(([, svc]) => svc.profiles !== undefined)
      .map(([name]) => name);
    expect(profiled).toEqual(['demo']);
  });

  it('builds the demo from the demo target', () => {
    expect(buildTarget(demo)).toBe('demo');
    expect(demo.image).toBe('hrm/demo');
  });

  it.each([
    ['without an env file', SAMPLE_VARS],
    ['with compose.demo.env', DEMO_FILE_VARS],
  ])('%s: sets only variables its config schema knows, in a form it accepts', (_how, vars) => {
    const env = environmentOf(demo);
    const known = Object.keys(demoEnv.shape);
    expect(Object.keys(env).filter((key) => !known.includes(key))).toEqual([]);
    const result = demoEnv.safeParse({ ...imageEnv('demo'), ...interpolateAll(env, vars) });
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('refuses to start without an operator token', () => {
    const token = environmentOf(demo)['HRM_ADMIN_TOKEN'] ?? '';
    expect(token).toMatch(/^\$\{HRM_ADMIN_TOKEN:\?.+\}$/);
    expect(() => interpolate(token, {})).toThrow(/HRM_ADMIN_TOKEN/);
  });

  it('talks to the api and every NATS node, once they are healthy, and prints the realtime port the host publishes', () => {
    const env = demoEnv.parse({ ...imageEnv('demo'), ...interpolateAll(environmentOf(demo), SAMPLE_VARS) });
    const api = new URL(env.API_URL);
    expect({ host: api.hostname, port: Number(api.port) }).toEqual({
      host: 'api',
      port: containerPorts(service('api'))[0],
    });
    expect(natsAddresses(env.NATS_URL).sort()).toEqual(NATS_NODES.map(natsClientAddress).sort());
    const realtimeHostPorts = servicesOf('realtime').flatMap(([, svc]) =>
      portMappings(svc).map((mapping) => mapping.host?.[0]),
    );
    expect(realtimeHostPorts).toContain(env.REALTIME_HOST_PORT);
    // The Screen and Coach links it prints name the API's port on the host.
    expect(portMappings(service('api')).map((mapping) => mapping.host?.[0])).toContain(env.API_HOST_PORT);
    expect(dependsOn(demo)).toEqual(
      expect.objectContaining({
        api: 'service_healthy',
        ...Object.fromEntries(NATS_NODES.map((node) => [node, 'service_healthy'])),
      }),
    );
  });

  it('remembers its studio and class on a named volume', () => {
    const dataDir = demoEnv.parse({
      ...imageEnv('demo'),
      ...interpolateAll(environmentOf(demo), SAMPLE_VARS),
    }).HRM_DATA_DIR;
    const mounts = (demo.volumes ?? []).flatMap((volume) =>
      typeof volume === 'string' ? [volume.split(':')[1] ?? ''] : [volume.target],
    );
    const mount = mounts.find((target) => dataDir === target || dataDir.startsWith(`${target}/`));
    expect(mount).toBeDefined();
    const volume = namedVolumeAt(demo, mount ?? '');
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  it("with compose.demo.env, points the Spotify worker at the demo's fake Spotify, with the same app", () => {
    const demoConfig = demoEnv.parse({
      ...imageEnv('demo'),
      ...interpolateAll(environmentOf(demo), DEMO_FILE_VARS),
    });
    expect(demoConfig.DEMO_SPOTIFY).toBe(true);
    expect(containerPorts(demo)).toContain(demoConfig.DEMO_SPOTIFY_PORT);
    for (const [, worker] of servicesOf('spotify-worker')) {
      const env = spotifyWorkerEnv.parse(interpolateAll(environmentOf(worker), DEMO_FILE_VARS));
      const fake = `http://demo:${demoConfig.DEMO_SPOTIFY_PORT}`;
      expect({ accounts: env.SPOTIFY_ACCOUNTS_URL, api: env.SPOTIFY_API_URL }).toEqual({
        accounts: fake,
        api: fake,
      });
      expect({ id: env.SPOTIFY_CLIENT_ID, secret: env.SPOTIFY_CLIENT_SECRET }).toEqual({
        id: demoConfig.SPOTIFY_CLIENT_ID,
        secret: demoConfig.SPOTIFY_CLIENT_SECRET,
      });
    }
  });

  it("without it, leaves the Spotify worker on Spotify's own servers (the platform as without the demo)", () => {
    for (const [, worker] of servicesOf('spotify-worker')) {
      const env = spotifyWorkerEnv.parse(interpolateAll(environmentOf(worker), SAMPLE_VARS));
      const defaults = spotifyWorkerEnv.parse({ HRM_SECRET_KEY: SAMPLE_VARS.HRM_SECRET_KEY });
      expect({
        accounts: env.SPOTIFY_ACCOUNTS_URL,
        api: env.SPOTIFY_API_URL,
        id: env.SPOTIFY_CLIENT_ID,
      }).toEqual({
        accounts: defaults.SPOTIFY_ACCOUNTS_URL,
        api: defaults.SPOTIFY_API_URL,
        id: undefined,
      });
    }
  });
});

describe('the migrate service', () => {
  it('has an environment the migrate config schema accepts', () => {
    const env = interpolateAll(environmentOf(service('migrate')), SAMPLE_VARS);
    const result = migrateEnv.safeParse(env);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// NATS auth: the one-shot nats-setup service prepares the trust chain on a
// named volume, every NATS node runs with the configuration it wrote, and each service
// reads its own creds from the volume, read-only, at the paths natsAuthEnv
// gives (test/nats-setup.spec.ts runs the script itself).

/** The named volume mounted at or above `dir`, where it is mounted, and read-only or not. */
function volumeHolding(
  svc: Service,
  dir: string,
): { volume: string; target: string; readOnly: boolean } | null {
  for (const volume of svc.volumes ?? []) {
    if (typeof volume !== 'string') continue;
    const [source = '', target = '', mode = ''] = volume.split(':');
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source)) continue;
    if (dir === target || dir.startsWith(`${target}/`))
      return { volume: source, target, readOnly: mode === 'ro' };
  }
  return null;
}

describe('docker-compose.yml, NATS auth', () => {
  const setup = service('nats-setup');
  const setupEnv = natsSetupEnv.parse({
    ...imageEnv('nats-setup'),
    ...interpolateAll(environmentOf(setup), SAMPLE_VARS),
  });
  const authDir = setupEnv.NATS_AUTH_DIR;
  const authVolume = volumeHolding(setup, authDir);

  it('has a one-shot nats-setup service built from its target, running scripts/nats-setup.ts', () => {
    expect(buildTarget(setup)).toBe('nats-setup');
    expect(effectiveCmd('nats-setup')).toEqual(['node', 'dist/scripts/nats-setup.js']);
    expect(instructionsOf('nats-setup', 'COPY').join('\n')).toContain('dist/scripts/nats-setup.js');
    expect(['root', '0', undefined]).not.toContain(effectiveUser('nats-setup'));
    expect(setup.restart).toBe('no');
    expect(setup.ports ?? []).toEqual([]);
  });

  it('sets only variables its config schema knows, in a form it accepts, and TLS stays off by default', () => {
    const env = environmentOf(setup);
    expect(Object.keys(env).filter((key) => !Object.keys(natsSetupEnv.shape).includes(key))).toEqual([]);
    expect({ cert: setupEnv.NATS_TLS_CERT, key: setupEnv.NATS_TLS_KEY }).toEqual({
      cert: undefined,
      key: undefined,
    });
    const withTls = natsSetupEnv.parse(
      interpolateAll(env, {
        ...SAMPLE_VARS,
        NATS_TLS_CERT: '/certs/server.pem',
        NATS_TLS_KEY: '/certs/key.pem',
      }),
    );
    expect(withTls.NATS_TLS_CERT).toBe('/certs/server.pem');
  });

  it('keeps the keys on a named volume, written by the setup and by nobody else', () => {
    expect(authVolume).not.toBeNull();
    expect(authVolume?.readOnly).toBe(false);
    expect(Object.keys(compose.volumes ?? {})).toContain(authVolume?.volume);
    for (const [name, svc] of Object.entries(services)) {
      if (name === 'nats-setup' || NATS_NODES.includes(name)) continue;
      const mounted = (svc.volumes ?? []).filter(
        (volume) => typeof volume === 'string' && volume.split(':')[0] === authVolume?.volume,
      );
      for (const volume of mounted)
        expect({ name, volume }).toEqual({ name, volume: expect.stringMatching(/:ro$/) });
    }
  });

  it.each(NATS_NODES)(
    'runs NATS node %s with the configuration the setup wrote, once the setup has succeeded',
    (node) => {
      const nats = service(node);
      expect(flagValue(nats, '-c', '--config')).toBe(path.posix.join(authDir, SERVER_CONFIG_FILE));
      // Same volume at the same place: the paths in the configuration hold; writable for revocations.
      expect(volumeHolding(nats, authDir)).toEqual({ ...authVolume, readOnly: false });
      expect(dependsOn(nats)['nats-setup']).toBe('service_completed_successfully');
    },
  );

  /** The environment natsAuthEnv gives each user, with the compose paths (one trust chain made for all). */
  let prepared: Promise<PreparedNatsAuth> | null = null;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-compose-auth-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const expectedNatsEnv = async (user: NatsUserName): Promise<Record<string, string>> => {
    prepared ??= prepareNatsAuth(scratch);
    const env = natsAuthEnv(await prepared, user);
    return Object.fromEntries(
      Object.entries(env).map(([key, file]) => [key, path.posix.join(authDir, path.relative(scratch, file))]),
    );
  };

  it.each(knownApps())('gives every %s service its own creds from the volume, read-only', async (app) => {
    const expected = await expectedNatsEnv(app as NatsUserName);
    for (const [name, svc] of servicesOf(app)) {
      const env = environmentOf(svc);
      const nats = Object.fromEntries(Object.keys(expected).map((key) => [key, env[key]]));
      expect({ name, nats }).toEqual({ name, nats: expected });
      expect({ name, mount: volumeHolding(svc, authDir) }).toEqual({
        name,
        mount: { ...authVolume, readOnly: true },
      });
      for (const node of NATS_NODES) expect(dependsOn(svc)[node]).toBe('service_healthy');
    }
  });

  it('gives the demo no platform creds: it registers its gateway through the API', () => {
    const demo = service('demo');
    expect(environmentOf(demo)['NATS_CREDS']).toBeUndefined();
    expect(volumeHolding(demo, authDir)?.volume).not.toBe(authVolume?.volume);
  });
});

// ---------------------------------------------------------------------------
// The NATS cluster: three nodes on the one configuration nats-setup writes,
// clustered by their command lines, every service connected to all three and
// asking for three replicas of each stream, and JetStream flushing every
// message to disk before acknowledging it.

/** `host:port` of the route a node listens on (its `--cluster` URL), as the others reach it. */
function routeAddress(node: string): string {
  const listen = new URL(flagValue(service(node), '--cluster') ?? '');
  return `${node}:${listen.port}`;
}

/** The minor version of nats-server 2.x an image tag names (`nats:2.10-alpine` -> 10). */
function natsMinor(svc: Service): number {
  const match = /^nats:2\.(\d+)/.exec(svc.image ?? '');
  return match === null ? -1 : Number(match[1]);
}

describe('docker-compose.yml, NATS cluster', () => {
  const setupEnvWith = (vars: Record<string, string>) =>
    natsSetupEnv.parse({
      ...imageEnv('nats-setup'),
      ...interpolateAll(environmentOf(service('nats-setup')), { ...SAMPLE_VARS, ...vars }),
    });

  it('runs three NATS nodes, each under its own server name and with its own store volume', () => {
    expect(
      natsNodes()
        .map(([name]) => name)
        .sort(),
    ).toEqual(NATS_NODES);
    const names = NATS_NODES.map((node) => flagValue(service(node), '-n', '--name'));
    // JetStream's peers are the server names: each node's is its own (and its compose name).
    expect(names).toEqual(NATS_NODES);
    const stores = NATS_NODES.map((node) => {
      const svc = service(node);
      return namedVolumeAt(svc, flagValue(svc, '-sd', '--store_dir') ?? '');
    });
    expect(stores.every((volume) => volume !== undefined)).toBe(true);
    expect(new Set(stores).size).toBe(NATS_NODES.length);
  });

  it('clusters them under one cluster name, every node routing to all three', () => {
    const clusterNames = NATS_NODES.map((node) => flagValue(service(node), '--cluster_name'));
    expect(clusterNames[0]).toMatch(/^\S+$/);
    expect(new Set(clusterNames).size).toBe(1);
    const everyRoute = NATS_NODES.map(routeAddress).sort();
    for (const node of NATS_NODES) {
      const routes = flagValue(service(node), '-r', '--routes') ?? '';
      expect({ node, routes: natsAddresses(routes).sort() }).toEqual({ node, routes: everyRoute });
      // The route port stays on the compose network (routes carry no credentials).
      const routePort = Number(new URL(flagValue(service(node), '--cluster') ?? '').port);
      expect({ node, published: portMappings(service(node)).some((m) => m.container === routePort) }).toEqual(
        { node, published: false },
      );
    }
  });

  it('runs every node on the one configuration nats-setup writes', () => {
    const configs = NATS_NODES.map((node) => flagValue(service(node), '-c', '--config'));
    expect(new Set(configs).size).toBe(1);
    expect(configs[0]).toBe(path.posix.join(setupEnvWith({}).NATS_AUTH_DIR, SERVER_CONFIG_FILE));
  });

  it("calls a node healthy once JetStream is in touch with the cluster's meta leader, on its monitoring port", () => {
    for (const node of NATS_NODES) {
      const svc = service(node);
      const monitor = flagValue(svc, '-m', '--http_port');
      expect({ node, monitor }).toEqual({ node, monitor: expect.stringMatching(/^\d+$/) });
      // nats 2.10's js-server-only checks the meta leader; 2.11 moved that check to js-meta-only.
      const check = natsMinor(svc) >= 11 ? 'js-meta-only=true' : 'js-server-only=true';
      expect({ node, test: healthcheckText(svc) }).toEqual({
        node,
        test: expect.stringContaining(`127.0.0.1:${monitor ?? ''}/healthz?${check}`),
      });
    }
  });

  it('has every service ask for three replicas of each stream, no more than the nodes there are', () => {
    expect(STREAM_REPLICAS).toBeLessThanOrEqual(NATS_NODES.length);
    for (const app of knownApps()) {
      for (const [name, svc] of servicesOf(app)) {
        // As the service reads it: its own config schema, from what compose passes.
        const parsed = appSpec(app).schema.parse(interpolateAll(environmentOf(svc), SAMPLE_VARS));
        expect({ name, replicas: parsed['HRM_STREAM_REPLICAS'] }).toEqual({
          name,
          replicas: STREAM_REPLICAS,
        });
      }
    }
  });

  it('has JetStream fsync every message before acknowledging it unless told otherwise, on a nats-server that knows the setting', () => {
    const setupEnv = setupEnvWith({});
    expect(setupEnv.HRM_NATS_SYNC_INTERVAL).toBe('always');
    expect(serverConfigText('', setupEnv).split('\n')).toContain('jetstream { sync_interval: always }');
    // HRM_NATS_SYNC_INTERVAL on the host chooses another interval.
    expect(setupEnvWith({ HRM_NATS_SYNC_INTERVAL: '1s' }).HRM_NATS_SYNC_INTERVAL).toBe('1s');
    // sync_interval is a nats-server 2.10 setting: older servers refuse the configuration.
    for (const node of NATS_NODES)
      expect({ node, minor: natsMinor(service(node)) >= 10 }).toEqual({ node, minor: true });
  });
});
