// Issue 12, finding 3: after nats-server is SIGKILLed and restarted on its
// store, every service's readers of the log follow again within 5 s of NATS
// answering (a class ending and heart rate reach a screen), and /healthz says
// 503 with a reason while a reader is not following.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { healthReport, liveEvents, sessionState } from '#contracts';
import { FakeSpotify, TEST_ADMIN_TOKEN, eventually, sleep, startTestStack, type TestStack } from '#testing';
import { TestGateway } from './support/gateway.js';
import { expectStatus, setUpLiveClass, type LiveClass } from './support/live-class.js';
import { Screen, connected, liveSocket } from './support/screen.js';

const devices = ['ant:120:41001', 'ant:120:41002'];
/** The bound, plus room for a busy two-core machine running the whole stack. */
const RESUMED_WITHIN_MS = 5_000 + 2_000;
/** The test's connections ride out NATS's restart, as the services' do. */
const reconnectForever = { maxReconnectAttempts: -1, reconnectTimeWait: 100 };

describe('NATS is killed and restarted under running services', () => {
  let fake: FakeSpotify;
  let stack: TestStack;
  let live: LiveClass;
  let socket: Socket;
  let screen: Screen;
  const ended: string[] = [];

  beforeAll(async () => {
    fake = await FakeSpotify.start();
    stack = await startTestStack(['api', 'ingest', 'realtime', 'spotify-worker'], {
      env: {
        SPOTIFY_CLIENT_ID: fake.clientId,
        SPOTIFY_CLIENT_SECRET: fake.clientSecret,
        SPOTIFY_ACCOUNTS_URL: fake.url,
        SPOTIFY_API_URL: fake.url,
      },
    });
    live = await setUpLiveClass(stack, devices);
    socket = liveSocket(stack.realtimeUrl, TEST_ADMIN_TOKEN, true);
    await connected(socket);
    screen = new Screen(socket, live.sessionId);
    socket.on(liveEvents.sessionState, (payload: unknown) => {
      const state = sessionState.parse(payload);
      if (state.status === 'ended') ended.push(state.sessionId);
    });
    await screen.subscribe();
  }, 120_000);

  afterAll(async () => {
    socket?.close();
    await stack?.stop();
    await fake?.stop();
  });

  async function health(service: string) {
    const response = await fetch(`${stack.serviceUrl(service)}/healthz`);
    return { status: response.status, body: healthReport.parse(await response.json()) };
  }

  /** Publishes a batch like a gateway with an offline buffer: retried until JetStream acknowledges it. */
  async function publishBpm(gateway: TestGateway, bpm: number): Promise<void> {
    const ts = Date.now();
    await eventually(
      async () => {
        await gateway.publish(ts, devices, () => bpm);
        return true;
      },
      `a batch with ${bpm} bpm to be accepted`,
      30_000,
      100,
    );
  }

  const shows = (bpm: number) =>
    screen.values.size === devices.length && [...screen.values.values()].every((value) => value.bpm === bpm);

  it('follows the log again within 5 s, and says it is not following meanwhile', async () => {
    const gateway = await TestGateway.connect(stack, live.studioId, 'gw-restart', reconnectForever);
    await publishBpm(gateway, 101);
    await eventually(() => (shows(101) ? true : undefined), 'the screen to show 101 bpm');
    for (const service of ['api', 'ingest', 'realtime', 'spotify-worker'])
      expect((await health(service)).status).toBe(200);

    // NATS dies busy, as under load (a gateway publishing, readers delivering), which is when
    // JetStream takes a moment to answer after the restart and nats.js, asked too early, backs off.
    const loaded = await TestGateway.connect(stack, live.studioId, 'gw-load', reconnectForever);
    let loading = true;
    const load = (async () => {
      for (let round = 0; loading; round++)
        await loaded.publish(Date.now(), devices, () => 90 + (round % 5)).catch(() => undefined);
    })();
    await sleep(2000);
    await stack.nats.stop(true);
    loading = false;
    await load;
    // While NATS is away, each service says its reader is not following, and why.
    for (const service of ['realtime', 'ingest', 'api', 'spotify-worker']) {
      const down = await eventually(
        async () => {
          const answer = await health(service);
          return answer.status === 503 ? answer : undefined;
        },
        `${service} /healthz to answer 503 while NATS is down`,
        10_000,
        100,
      );
      expect(down.body.status).toBe('unavailable');
      expect(Object.values(down.body.reasons ?? {}).join('; ')).toMatch(/not following for \d+ s/);
      if (service === 'realtime')
        expect(down.body).toMatchObject({
          checks: { log: 'down' },
          reasons: { log: expect.stringContaining('evt.session.> not following') },
        });
    }
    await sleep(1000);

    await stack.nats.start();
    const answering = Date.now();
    // Heart rate published after the restart (by a gateway that connects anew) reaches the screen.
    await publishBpm(await TestGateway.connect(stack, live.studioId, 'gw-after'), 133);
    await eventually(() => (shows(133) ? true : undefined), 'the screen to show 133 bpm', 60_000);
    const heartRateAfter = Date.now() - answering;

    // A class that ends after the restart reaches the screen.
    await eventually(
      async () => {
        const answer = await stack.api('POST', `/api/v1/sessions/${live.sessionId}/end`);
        return answer.status === 200 ? true : undefined;
      },
      'the API to end the class',
      30_000,
      100,
    );
    await eventually(() => (ended.includes(live.sessionId) ? true : undefined), 'the end on screen', 60_000);
    const endAfter = Date.now() - answering;

    expect(heartRateAfter).toBeLessThan(RESUMED_WITHIN_MS);
    expect(endAfter).toBeLessThan(RESUMED_WITHIN_MS);

    // Every service is ready again.
    for (const service of ['realtime', 'ingest', 'api', 'spotify-worker']) {
      const up = await eventually(
        async () => {
          const answer = await health(service);
          return answer.status === 200 ? answer : undefined;
        },
        `${service} /healthz to answer 200 again`,
        RESUMED_WITHIN_MS,
        100,
      );
      expect(up.body).toMatchObject({ status: 'ok', service });
    }
    expect(await expectStatus(stack.api('GET', `/api/v1/sessions/${live.sessionId}`), 200)).toMatchObject({
      status: 'ended',
    });
  }, 180_000);
});
