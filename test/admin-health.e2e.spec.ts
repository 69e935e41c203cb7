// One place to see the stack's health: GET /api/v1/admin/health (the platform
// operator's) and `npm run status`, which prints it. Every service of a real
// stack, two realtime instances among them, found through the announcements
// they write to NATS; the streams and the ingest consumer with their counts;
// Postgres; the projections' checkpoints against their streams. A stopped
// service makes it degraded, and the status script says so with its exit code.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { freePort } from '#localstack';
import { issuedToken, platformHealth, type PlatformHealth } from '#contracts';
import {
  TEST_ADMIN_TOKEN,
  eventually,
  setUpLiveClass,
  startTestStack,
  temporaryDirectory,
  type LiveClass,
  type TestStack,
} from '#testing';
import { TestGateway } from './support/gateway.js';

const ROUTE = '/api/v1/admin/health';
const deviceIds = ['ant:120:1', 'ant:120:2'];

/** `npm run status` as a user runs it (from the build), with this environment. */
function runStatus(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join('dist', 'scripts', 'status.js')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('the platform health, for the operator', () => {
  let stack: TestStack;
  let live: LiveClass;
  let displayToken: string;

  const health = async (): Promise<PlatformHealth> => {
    const response = await stack.api('GET', ROUTE);
    expect(response.status).toBe(200);
    return platformHealth.parse(response.body);
  };

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest', 'realtime', 'spotify-worker']);
    await stack.addService('realtime');
    live = await setUpLiveClass(stack, deviceIds);
    const gateway = await TestGateway.connect(stack, live.studioId, 'gw-1');
    const now = Date.now();
    for (let second = 0; second < 5; second++)
      await gateway.publish(now + second * 1000, deviceIds, () => 120);
    displayToken = issuedToken.parse(
      (await stack.api('POST', `/api/v1/studios/${live.studioId}/tokens`, { role: 'display' })).body,
    ).token;
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('is the bootstrap operator’s only: 401 without a token, 403 for a studio token', async () => {
    const anonymous = await fetch(`${stack.apiUrl}${ROUTE}`);
    expect(anonymous.status).toBe(401);
    expect((await stack.api('GET', ROUTE, undefined, displayToken)).status).toBe(403);
  });

  it('shows every service and instance, the streams and consumers with their counts, Postgres, the projections', async () => {
    // Ingest has turned the gateway's batches into heart-rate events, and the projection has stored them.
    const report = await eventually(
      async () => {
        const current = await health();
        const heartRate = current.projections.find(({ name }) => name === 'api-heart-rate');
        const consumed = current.nats.consumers.every(
          ({ pending, ackPending }) => pending + ackPending === 0,
        );
        return current.status === 'ok' && consumed && heartRate?.behind === 0 && (heartRate.position ?? 0) > 0
          ? current
          : undefined;
      },
      'every part ok and the heart-rate projection caught up',
      30_000,
      250,
    );
    expect(report.problems).toEqual([]);
    const instances = Object.fromEntries(
      report.services.map(({ service, status, instances: of }) => [
        service,
        { status, names: of.map(({ instance, state }) => `${instance} ${state}`) },
      ]),
    );
    expect(instances).toEqual({
      api: { status: 'ok', names: ['api-1 up'] },
      realtime: { status: 'ok', names: ['realtime-1 up', 'realtime-2 up'] },
      ingest: { status: 'ok', names: ['ingest-1 up'] },
      'spotify-worker': { status: 'ok', names: ['spotify-worker-1 up'] },
    });
    const realtime2 = report.services
      .find(({ service }) => service === 'realtime')
      ?.instances.find(({ instance }) => instance === 'realtime-2');
    const realtime2Port = new URL(stack.serviceUrl('realtime#2')).port;
    expect(realtime2?.healthUrl).toMatch(new RegExp(`^http://[^/]+:${realtime2Port}/healthz$`));
    expect(realtime2?.version).toBe(
      z.object({ version: z.string() }).parse(JSON.parse(fs.readFileSync('package.json', 'utf8'))).version,
    );
    expect(realtime2?.checks).toMatchObject({ nats: 'up' });

    expect(report.nats.status).toBe('up');
    expect(report.nats.server?.version).toMatch(/^\d+\.\d+/);
    expect(report.nats.rttMs).toEqual(expect.any(Number));
    const streams = Object.fromEntries(report.nats.streams.map((stream) => [stream.name, stream]));
    // Five gateway batches in; a studio, athletes, straps and a started class in the events.
    expect(streams.HRM_INGRESS?.messages).toBeGreaterThanOrEqual(5);
    expect(streams.HR?.messages).toBeGreaterThanOrEqual(5);
    expect(streams.EVENTS?.messages).toBeGreaterThan(0);
    expect(streams.EVENTS?.bytes).toBeGreaterThan(0);
    const ingest = report.nats.consumers.find(({ stream }) => stream === 'HRM_INGRESS');
    expect(ingest).toMatchObject({ pending: 0, ackPending: 0 });

    expect(report.postgres.status).toBe('up');
    expect(report.postgres.latencyMs).toEqual(expect.any(Number));

    const heartRate = report.projections.find(({ name }) => name === 'api-heart-rate');
    expect(heartRate).toMatchObject({ stream: 'HR', behind: 0, parked: 0 });
    expect(heartRate?.position).toBe(heartRate?.lastSeq);
    expect(heartRate?.lastSeq).toBe(streams.HR?.lastSeq);
    const sessions = report.projections.find(({ name }) => name === 'api-sessions');
    expect(sessions).toMatchObject({ stream: 'EVENTS', filterSubject: 'evt.session.>', parked: 0 });
    expect(sessions?.position).toBeGreaterThan(0);
  });

  it('npm run status prints it as a table and exits 0 when everything is ok', async () => {
    const { code, output } = await runStatus({
      HRM_API_URL: stack.apiUrl,
      HRM_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    });
    expect(output).toMatch(/HRM platform OK/);
    for (const instance of ['api-1', 'realtime-1', 'realtime-2', 'ingest-1', 'spotify-worker-1'])
      expect(output).toMatch(new RegExp(`\\s${instance}\\s.*\\sup\\n`));
    expect(output).toMatch(/\n {2}HRM_INGRESS +\d/);
    expect(output).toMatch(/\n {2}api-heart-rate +HR +hr\.> +[\d,]+ +[\d,]+ +0 +0\n/);
    expect(output).not.toContain(TEST_ADMIN_TOKEN);
    expect(code).toBe(0);
  });

  it('reads the local stack’s API port and operator token from HRM_DATA_DIR', async () => {
    const dataDir = temporaryDirectory('hrm-status');
    try {
      const apiPort = Number(new URL(stack.apiUrl).port);
      fs.writeFileSync(path.join(dataDir, 'ports.json'), JSON.stringify({ nats: 14222, api: apiPort }));
      fs.writeFileSync(path.join(dataDir, 'admin-token'), `${TEST_ADMIN_TOKEN}\n`);
      const { code, output } = await runStatus({ HRM_DATA_DIR: dataDir });
      expect(output).toContain(`(${stack.apiUrl},`);
      expect(code).toBe(0);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says in one line that the stack is not running, and exits 1', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const { code, output } = await runStatus({ HRM_API_URL: nobody, HRM_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    expect(output.trim().split('\n')).toEqual([
      `npm run status: the stack is not running (nothing answers at ${nobody}): start it with npm start, or set HRM_API_URL to a running API`,
    ]);
    expect(code).toBe(1);
  });

  it('is degraded while a service is stopped, names it, and npm run status exits 1; ok again once it is back', async () => {
    await stack.service('ingest').stop();
    const degraded = await eventually(
      async () => {
        const current = await health();
        return current.status === 'degraded' ? current : undefined;
      },
      'a degraded status without ingest',
      15_000,
      250,
    );
    expect(degraded.problems).toEqual(['ingest: no instance running']);
    expect(degraded.services.find(({ service }) => service === 'ingest')).toEqual({
      service: 'ingest',
      status: 'down',
      instances: [],
    });
    const { code, output } = await runStatus({
      HRM_API_URL: stack.apiUrl,
      HRM_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    });
    expect(output).toMatch(/HRM platform DEGRADED/);
    expect(output).toMatch(/\n {2}ingest +\(none running\) .*down\n/);
    expect(output).toContain('  - ingest: no instance running');
    expect(code).toBe(1);

    await stack.service('ingest').start();
    await eventually(
      async () => ((await health()).status === 'ok' ? true : undefined),
      'ok again with ingest back',
      15_000,
      250,
    );
  });

  it('is down, and still answers in seconds, when the API cannot reach NATS', async () => {
    await stack.nats.stop();
    const started = Date.now();
    const report = await eventually(
      async () => {
        const current = await health();
        return current.status === 'down' ? current : undefined;
      },
      'a down status without NATS',
      15_000,
      250,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(report.nats).toMatchObject({ status: 'down', streams: [], consumers: [] });
    expect(report.problems[0]).toMatch(/^NATS: /);
    expect(report.postgres.status).toBe('up');
    // Back, so the services stop cleanly.
    await stack.nats.start();
  });
});
