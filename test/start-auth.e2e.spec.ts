// `npm start` (the built dist/scripts/start.js) with NATS's own auth (issue 16):
// the first start makes the operator and account keys in HRM_DATA_DIR/nats-auth
// (0600), its NATS refuses anonymous clients, every service runs with its own
// creds, the demo registers its gateway through the API and its heart rates
// reach the demo class, and the banner's Screen link opens that class live in a
// browser (a real Chromium); the next start, with TLS on, reuses the keys (the same
// operator) and the JetStream store, and the demo its kept gateway creds.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NodeConnectionOptions } from '@nats-io/transport-node';
import { freePort, localCertificate, repoRoot, type LocalCertificate } from '#localstack';
import { publicConfig } from '#contracts';
import { credsOptions, natsUserNames, readSeed, seedFile } from '#nats-auth';
import { eventually, temporaryDirectory } from '#testing';
import { TV, launchChromium, openPage, screenshot } from './support/browser.js';
import { Child } from './support/child.js';
import { Screen, connected, liveSocket } from './support/screen.js';

const STREAM = 'START_AUTH_CHECK';

describe('npm start with NATS auth', () => {
  const dir = temporaryDirectory('hrm-start-auth');
  const dataDir = path.join(dir, 'data');
  const authDir = path.join(dataDir, 'nats-auth');
  let ports: Record<string, string>;
  let certificate: LocalCertificate;
  const children: Child[] = [];
  const sockets: Array<{ close(): void }> = [];

  beforeAll(async () => {
    ports = {
      API_PORT: String(await freePort()),
      REALTIME_PORT: String(await freePort()),
      INGEST_PORT: String(await freePort()),
      SPOTIFY_WORKER_PORT: String(await freePort()),
    };
    certificate = localCertificate(path.join(dir, 'tls'));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all(children.map((child) => child.stop(15_000)));
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  function start(env: Record<string, string> = {}): Child {
    const child = new Child(process.execPath, [path.join(repoRoot(), 'dist', 'scripts', 'start.js')], {
      cwd: repoRoot(),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        HRM_DATA_DIR: dataDir,
        ...ports,
        ...env,
      },
    });
    children.push(child);
    return child;
  }

  const natsPort = () => {
    const remembered: unknown = JSON.parse(fs.readFileSync(path.join(dataDir, 'ports.json'), 'utf8'));
    const port =
      typeof remembered === 'object' && remembered !== null && 'nats' in remembered ? remembered.nats : null;
    if (typeof port !== 'number') throw new Error('npm start remembered no NATS port');
    return port;
  };
  const tools = (): Partial<NodeConnectionOptions> =>
    credsOptions(fs.readFileSync(path.join(authDir, 'creds', 'tools.creds'), 'utf8'));
  const operatorKey = () => readSeed(seedFile(path.join(authDir, 'keys'), 'operator')).getPublicKey();

  /** The display token, class and page links the banner prints for the demo. */
  async function demoOf(stack: Child) {
    const [, sessionId = ''] = await stack.line(/^\s+Class\s+(\S+)\s+\(live, (?:new|reused)\)/, 5000);
    const [, token = ''] = await stack.line(/^\s+Watch it\s+.*auth:\{token:'([^']+)'\}/, 5000);
    const [, screen = ''] = await stack.line(/^\s+Screen\s+(http\S+)/, 5000);
    const [, coach = ''] = await stack.line(/^\s+Coach\s+(http\S+)/, 5000);
    return { sessionId, token, screen, coach };
  }

  async function demoValuesReachAScreen(demo: { sessionId: string; token: string }) {
    const socket = liveSocket(`http://127.0.0.1:${ports.REALTIME_PORT ?? ''}`, demo.token);
    sockets.push(socket);
    await connected(socket);
    const screen = new Screen(socket, demo.sessionId);
    await screen.subscribe();
    await eventually(
      () => (screen.values.size === 12 ? true : undefined),
      'a heart rate for each of the twelve demo athletes on the screen',
      30_000,
      200,
    );
    socket.close();
  }

  let operator = '';
  let first: Awaited<ReturnType<typeof demoOf>>;

  it('first start: makes the keys 0600, says NATS requires creds, and every service runs with its own', async () => {
    const stack = start();
    await stack.line(/HRM stack is up/, 120_000);
    for (const name of ['operator', 'operatorSigner', 'system', 'account', 'accountSigner'] as const)
      expect(fs.statSync(seedFile(path.join(authDir, 'keys'), name)).mode & 0o777).toBe(0o600);
    for (const user of natsUserNames)
      expect(fs.statSync(path.join(authDir, 'creds', `${user}.creds`)).mode & 0o777).toBe(0o600);
    operator = operatorKey();
    expect(stack.output()).toMatch(/NATS\s+nats:\/\/127\.0\.0\.1:\d+\s+\(credentials required\)/);
    expect(stack.output()).toContain(path.join(authDir, 'creds'));
    // Each service's NATS user is its own: the processes run with their own creds file.
    expect(stack.output()).not.toMatch(/Authorization Violation|Permissions Violation/);
  });

  it('its NATS refuses an anonymous client and takes the tools creds', async () => {
    const url = `nats://127.0.0.1:${natsPort()}`;
    await expect(connect({ servers: url, reconnect: false })).rejects.toThrow(/Authorization Violation/);
    const nc = await connect({ servers: url, ...tools() });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: ['start.auth.check'] });
    await nc.drain();
  });

  it('the demo registers its gateway through the API, keeps its creds 0600, and its heart rates reach the class', async () => {
    const stack = children[0];
    if (stack === undefined) throw new Error('no stack');
    first = await demoOf(stack);
    const kept = fs.readdirSync(path.join(dataDir, 'gateway-creds'));
    expect(kept).toHaveLength(1);
    expect(fs.statSync(path.join(dataDir, 'gateway-creds', kept[0] ?? '')).mode & 0o777).toBe(0o600);
    expect(stack.output()).toMatch(/registered the gateway demo-gateway/);
    await demoValuesReachAScreen(first);
  });

  it("the banner's Screen link shows the demo class live in a browser, and its Coach link opens with a coach token", async () => {
    const api = `http://127.0.0.1:${ports.API_PORT ?? ''}`;
    expect(first.screen).toBe(`${api}/screen/${first.sessionId}#token=${encodeURIComponent(first.token)}`);
    const [coachPage = '', coachToken = ''] = first.coach.split('#token=');
    expect(coachPage).toBe(`${api}/coach/${first.sessionId}`);
    expect(decodeURIComponent(coachToken)).not.toBe(first.token);
    for (const link of [first.screen, first.coach]) {
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="app"');
    }
    const config = publicConfig.parse(await (await fetch(`${api}/api/v1/config`)).json());
    expect(new URL(config.realtimeUrl).port).toBe(ports.REALTIME_PORT);

    const browser = await launchChromium();
    try {
      const { page, errors } = await openPage(browser, TV);
      await page.goto(first.screen);
      const bpms = page.locator('.tile [data-bpm]');
      await bpms.nth(11).waitFor({ timeout: 30_000 });
      const shown = await eventually(
        async () => {
          const values = (await bpms.allTextContents()).map(Number);
          return values.every((bpm) => bpm > 30) ? values : undefined;
        },
        'a heart rate in each of the twelve tiles of the Screen link',
        30_000,
        200,
      );
      expect(shown).toHaveLength(12);
      expect(await page.locator('.session-status').textContent()).toBe('live');
      await screenshot(page, 'demo-screen');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('stops on Ctrl-C, keeping the data', async () => {
    const stack = children[0];
    if (stack === undefined) throw new Error('no stack');
    expect((await stack.stop(30_000)).code).toBe(0);
  });

  it('next start, over TLS: the same keys and store, the kept gateway creds, the demo class live again', async () => {
    const stack = start({
      NATS_TLS_CERT: certificate.cert,
      NATS_TLS_KEY: certificate.key,
      NATS_TLS_CA: certificate.ca,
    });
    await stack.line(/HRM stack is up/, 120_000);
    expect(operatorKey()).toBe(operator);
    expect(stack.output()).toMatch(/NATS\s+tls:\/\/127\.0\.0\.1:\d+\s+\(TLS, credentials required\)/);
    const url = `tls://127.0.0.1:${natsPort()}`;
    await expect(
      connect({ servers: url, reconnect: false, tls: { caFile: certificate.ca } }),
    ).rejects.toThrow(/Authorization Violation/);
    const nc = await connect({ servers: url, ...tools(), tls: { caFile: certificate.ca } });
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(STREAM)).config.subjects).toEqual(['start.auth.check']);
    await nc.drain();
    const again = await demoOf(stack);
    expect(again.sessionId).toBe(first.sessionId);
    expect(stack.output()).not.toMatch(/registered the gateway/);
    await demoValuesReachAScreen(again);
    expect((await stack.stop(30_000)).code).toBe(0);
  });
});
