// The compose nats-setup service's script (dist/scripts/nats-setup.js), run as
// the container runs it, into a temporary NATS_AUTH_DIR: a real nats-server
// started with the configuration it wrote refuses anonymous clients and takes
// the creds it issued; a second run reuses the keys (the same operator, the
// same account, so the JetStream store stays that account's); TLS when asked;
// JetStream's sync_interval when asked (compose asks for `always`).
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NodeConnectionOptions } from '@nats-io/transport-node';
import { NatsServer, localCertificate } from '#localstack';
import { credsOptions, natsUserNames, seedFile } from '#nats-auth';
import { temporaryDirectory } from '#testing';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const script = path.join(root, 'dist', 'scripts', 'nats-setup.js');

function runSetup(env: Record<string, string>) {
  const run = spawnSync(process.execPath, [script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const operatorOf = (stdout: string) => /the operator (O[A-Z2-7]{55})/.exec(stdout)?.[1];

describe('scripts/nats-setup.ts (the compose nats-setup service)', () => {
  const dir = temporaryDirectory('hrm-nats-setup');
  const authDir = path.join(dir, 'auth');
  const servers: NatsServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** nats-server run as compose runs it: `-c` on the file the setup wrote (NatsServer adds -js, -sd, -p). */
  async function serve(dataDir: string): Promise<NatsServer> {
    const config = fs.readFileSync(path.join(authDir, 'nats-server.conf'), 'utf8');
    const server = await NatsServer.start({ dataDir: path.join(dir, dataDir), auth: config });
    servers.push(server);
    return server;
  }

  const tools = (extra: Partial<NodeConnectionOptions> = {}) => ({
    ...credsOptions(fs.readFileSync(path.join(authDir, 'creds', 'tools.creds'), 'utf8')),
    ...extra,
  });

  let operator: string | undefined;

  it('makes the keys (0600) and a creds file per platform user, and says where', () => {
    const run = runSetup({ NATS_AUTH_DIR: authDir });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^nats-setup: made the operator O[A-Z2-7]{55} and account A[A-Z2-7]{55} in /);
    operator = operatorOf(run.stdout);
    for (const name of ['operator', 'operatorSigner', 'system', 'account', 'accountSigner'] as const)
      expect(mode(seedFile(path.join(authDir, 'keys'), name))).toBe(0o600);
    for (const user of [...natsUserNames, 'account-admin'])
      expect(mode(path.join(authDir, 'creds', `${user}.creds`))).toBe(0o600);
    expect(mode(path.join(authDir, 'nats-server.conf'))).toBe(0o600);
    expect(mode(path.join(authDir, 'keys'))).toBe(0o700);
  });

  it("runs a nats-server that refuses anonymous clients and takes the tools user's creds", async () => {
    const server = await serve('nats');
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(
      /Authorization Violation/,
    );
    const nc = await connect({ servers: server.url, ...tools() });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'SETUP_CHECK', subjects: ['setup.check'] });
    await nc.drain();
    await server.stop();
  });

  it('reuses the keys on the next run: the same operator, and the JetStream store is still there', async () => {
    const keyFile = seedFile(path.join(authDir, 'keys'), 'account');
    const accountSeed = fs.readFileSync(keyFile, 'utf8');
    const run = runSetup({ NATS_AUTH_DIR: authDir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^nats-setup: reused the operator /);
    expect(operatorOf(run.stdout)).toBe(operator);
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(accountSeed);
    const server = await serve('nats');
    const nc = await connect({ servers: server.url, ...tools() });
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info('SETUP_CHECK')).config.subjects).toEqual(['setup.check']);
    await nc.drain();
    await server.stop();
  });

  it('writes a TLS configuration with NATS_TLS_CERT and NATS_TLS_KEY', async () => {
    const certificate = localCertificate(path.join(dir, 'tls'));
    const run = runSetup({
      NATS_AUTH_DIR: authDir,
      NATS_TLS_CERT: certificate.cert,
      NATS_TLS_KEY: certificate.key,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(TLS on)');
    const config = fs.readFileSync(path.join(authDir, 'nats-server.conf'), 'utf8');
    expect(config).toContain(`cert_file: ${JSON.stringify(certificate.cert)}`);
    // TLS from the setup's file alone (NatsServer adds none: its url still says nats://).
    const server = await serve('nats-tls');
    const url = `tls://127.0.0.1:${server.port}`;
    await expect(connect({ servers: url, reconnect: false, ...tools() })).rejects.toThrow();
    const nc = await connect({ servers: url, ...tools({ tls: { caFile: certificate.ca } }) });
    await nc.flush();
    await nc.close();
  });

  it("writes JetStream's sync_interval with HRM_NATS_SYNC_INTERVAL, and none without it", async () => {
    const configLines = () => fs.readFileSync(path.join(authDir, 'nats-server.conf'), 'utf8').split('\n');
    const syncLines = () => configLines().filter((line) => line.includes('sync_interval'));

    const always = runSetup({ NATS_AUTH_DIR: authDir, HRM_NATS_SYNC_INTERVAL: 'always' });
    expect({ code: always.code, stderr: always.stderr }).toEqual({ code: 0, stderr: '' });
    expect(always.stdout).toContain('(sync_interval always)');
    expect(syncLines()).toEqual(['jetstream { sync_interval: always }']);

    const duration = runSetup({ NATS_AUTH_DIR: authDir, HRM_NATS_SYNC_INTERVAL: '1s' });
    expect(duration.code).toBe(0);
    expect(syncLines()).toEqual(['jetstream { sync_interval: 1s }']);

    // Unset, or empty as compose passes an unset variable without a default: the
    // server's own default, and a file nats-server 2.9 (this machine's) still runs on.
    const unset: Array<Record<string, string>> = [{}, { HRM_NATS_SYNC_INTERVAL: '' }];
    for (const env of unset) {
      const run = runSetup({ NATS_AUTH_DIR: authDir, ...env });
      expect({ env, code: run.code }).toEqual({ env, code: 0 });
      expect(run.stdout).not.toContain('sync_interval');
      expect({ env, lines: syncLines() }).toEqual({ env, lines: [] });
      expect(configLines().some((line) => line.startsWith('jetstream'))).toBe(false);
    }
    const server = await serve('nats');
    const nc = await connect({ servers: server.url, ...tools() });
    await nc.flush();
    await nc.close();
    await server.stop();
  });

  it('refuses a sync interval nats-server would not take, in one line', () => {
    const run = runSetup({ NATS_AUTH_DIR: authDir, HRM_NATS_SYNC_INTERVAL: 'sometimes' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^nats-setup: invalid configuration: .*HRM_NATS_SYNC_INTERVAL.*\n$/);
  });

  it('refuses half a TLS setting, in one line', () => {
    const run = runSetup({ NATS_AUTH_DIR: authDir, NATS_TLS_CERT: '/certs/server.pem' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^nats-setup: invalid configuration: .*NATS_TLS_CERT.*\n$/);
  });
});
