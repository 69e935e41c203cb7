// The simulator against a NATS that requires credentials (issue 16): refused
// without creds, in one line that says how to get them; publishing with a
// gateway's creds file (and its inbox prefix) over TLS with --tls-ca; stopped,
// in one line, when the creds are another gateway's.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { gatewaySubjects, sampleBatch } from '#contracts';
import { NatsServer, localCertificate, type LocalCertificate } from '#localstack';
import {
  credsOptions,
  gatewayUserCreds,
  prepareNatsAuth,
  writeSecret,
  type PreparedNatsAuth,
} from '#nats-auth';
import { eventually, temporaryDirectory } from '#testing';
import { Child } from './support/child.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STUDIO = 'st_auth';

describe('npm run simulate with NATS auth and TLS', () => {
  const dir = temporaryDirectory('hrm-sim-auth');
  let auth: PreparedNatsAuth;
  let certificate: LocalCertificate;
  let server: NatsServer;
  let tools: NatsConnection;
  const children: Child[] = [];

  /** A registered gateway's creds file, as the API would issue it. */
  async function credsFile(gatewayId: string): Promise<string> {
    const { authority } = auth;
    const issued = await gatewayUserCreds(
      authority.account.getPublicKey(),
      authority.accountSigner,
      STUDIO,
      gatewayId,
    );
    const file = path.join(dir, `${gatewayId}.creds`);
    writeSecret(file, issued.creds);
    return file;
  }

  function simulate(args: string[]): Child {
    const child = new Child(process.execPath, [path.join(root, 'dist/scripts/simulate.js'), ...args], {
      cwd: root,
      // A data directory of its own: no stack's ports file is picked up.
      env: { PATH: process.env.PATH ?? '', HRM_DATA_DIR: path.join(dir, 'data') },
    });
    children.push(child);
    return child;
  }

  const common = (gatewayId: string) => [
    ...['--studio', STUDIO, '--gateway', gatewayId, '--athletes', '2', '--tick-ms', '200'],
    ...['--nats', server.url],
  ];

  beforeAll(async () => {
    auth = await prepareNatsAuth(path.join(dir, 'nats-auth'));
    certificate = localCertificate(path.join(dir, 'tls'));
    server = await NatsServer.start({
      dataDir: path.join(dir, 'nats'),
      auth: auth.serverConfig,
      tls: certificate,
    });
    tools = await connect({
      servers: server.url,
      ...credsOptions(fs.readFileSync(auth.creds.tools, 'utf8')),
      tls: { caFile: certificate.ca },
    });
  });

  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop(1000)));
    await tools?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists --creds and --tls-ca in --help', async () => {
    const run = simulate(['--help']);
    expect((await run.exited).code).toBe(0);
    expect(run.output()).toMatch(
      /--creds FILE[\s\S]*POST \/api\/v1\/studios\/S\/gateways[\s\S]*--tls-ca FILE/,
    );
  });

  it('without creds: exits 1 with one line saying the server wants them and how to get them', async () => {
    const run = simulate([...common('gw-1'), '--tls-ca', certificate.ca]);
    expect((await run.exited).code).toBe(1);
    expect(run.lines.filter((line) => line !== '')).toEqual([
      `simulate: NATS at ${server.url} (--nats) refused the connection: Authorization Violation. It requires ` +
        `credentials: register the gateway (POST /api/v1/studios/${STUDIO}/gateways {"gatewayId":"gw-1"} ` +
        `answers its creds file) and give --creds FILE.`,
    ]);
  });

  it('a creds file that cannot be read is a bad option (exit 2)', async () => {
    const run = simulate([...common('gw-1'), '--creds', path.join(dir, 'missing.creds')]);
    expect((await run.exited).code).toBe(2);
    expect(run.output()).toMatch(/^simulate: --creds: cannot read .*missing\.creds \(ENOENT\)/);
  });

  it("with the gateway's creds and the CA, publishes its samples over TLS", async () => {
    const received: string[] = [];
    const subscription = tools.subscribe(gatewaySubjects.samples(STUDIO, 'gw-1'), {
      callback: (error, message) => {
        if (error === null)
          received.push(...sampleBatch.parse(message.json()).samples.map((s) => s.deviceId));
      },
    });
    await tools.flush();
    const run = simulate([...common('gw-1'), '--creds', await credsFile('gw-1'), '--tls-ca', certificate.ca]);
    await eventually(() => (received.length >= 6 ? true : undefined), 'samples of gw-1 in NATS', 15_000);
    subscription.unsubscribe();
    expect(new Set(received).size).toBe(2);
    expect(await run.stop(5000)).toEqual({ code: 0, signal: null });
    expect(run.output()).not.toMatch(/refused|Violation/);
  });

  it("with another gateway's creds: stops with exit 1 and one line naming the refusal", async () => {
    const run = simulate([
      ...common('gw-1'),
      '--creds',
      await credsFile('gw-other'),
      '--tls-ca',
      certificate.ca,
    ]);
    const exit = await Promise.race([
      run.exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000).unref()),
    ]);
    expect(exit?.code).toBe(1);
    expect(run.output()).toMatch(
      new RegExp(
        `simulate: NATS refused: Permissions Violation for Publish to "hrm\\.v1\\.(samples|status)\\.${STUDIO}\\.gw-1"`,
      ),
    );
  });
});
