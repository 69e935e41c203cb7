// Issue 14: realtime starts from what is live and forgets ended classes. A
// screen sees the same class (header, roster, values with their totals, timer)
// before and after realtime restarts, whether the class is live or ended;
// an ended class is not read at start, is held while a screen watches it, is
// let go of once nobody has watched it for the horizon, and a later screen
// gets it back from the log exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { sessionSubscribeAck, type SessionSnapshot } from '#contracts';
import { TEST_ADMIN_TOKEN, eventually, sleep, startTestStack, type TestStack } from '#testing';
import { TestGateway } from './support/gateway.js';
import { expectStatus, setUpLiveClass, type LiveClass } from './support/live-class.js';
import { connected, liveSocket } from './support/screen.js';

const devices = ['ant:120:51001', 'ant:120:51002', 'ant:120:51003'];
/** `REALTIME_KEEP_ENDED_MS` of this stack: short, so a test sees an ended class let go of. */
const HORIZON_MS = 4000;
const BATCHES = 30;

/** A screen's snapshot without what depends on the moment or the instance (frame numbers, ages). */
function comparable({ session, metadata, values, timer }: SessionSnapshot) {
  return {
    session,
    metadata,
    values: values.values.map(({ status: _status, ...value }) => value),
    timer: timer === null ? null : { ...timer, serverTime: 0 },
  };
}

describe('realtime starts from what is live', () => {
  let stack: TestStack;
  let live: LiveClass;
  const sockets: Socket[] = [];
  let lastTs = 0;

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest', 'realtime'], {
      env: { REALTIME_KEEP_ENDED_MS: String(HORIZON_MS) },
    });
    live = await setUpLiveClass(stack, devices);
    const timer = `/api/v1/sessions/${live.sessionId}/timer`;
    await expectStatus(stack.api('PUT', timer, { preset: 'tabata' }), 200);
    await expectStatus(stack.api('POST', `${timer}/start`), 200);
    await expectStatus(stack.api('POST', `${timer}/pause`), 200);
    const gateway = await TestGateway.connect(stack, live.studioId, 'gw-start');
    const start = Date.now();
    for (let batch = 0; batch < BATCHES; batch++) {
      lastTs = start + batch * 1000;
      await gateway.publish(lastTs, devices, (_device, index) => 120 + ((batch * 7 + index * 11) % 60));
    }
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await stack?.stop();
  });

  /** A new screen on the class; it stays subscribed until `close` (or the test's end). */
  async function subscribe(): Promise<{ snapshot: SessionSnapshot; close: () => void }> {
    const socket = liveSocket(stack.realtimeUrl, TEST_ADMIN_TOKEN);
    sockets.push(socket);
    await connected(socket);
    const ack = sessionSubscribeAck.parse(
      await socket.timeout(5000).emitWithAck('session:subscribe', { sessionId: live.sessionId }),
    );
    if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.code} ${ack.error.message}`);
    return { snapshot: ack.snapshot, close: () => socket.close() };
  }

  async function snapshot(): Promise<ReturnType<typeof comparable>> {
    const screen = await subscribe();
    screen.close();
    return comparable(screen.snapshot);
  }

  async function restartRealtime(): Promise<void> {
    const realtime = stack.service('realtime');
    await realtime.stop(true);
    await realtime.start();
  }

  /** Classes realtime holds in memory with this status (its /metrics, written every tick). */
  async function classesInMemory(status: 'live' | 'ended'): Promise<number> {
    const text = await (await fetch(`${stack.realtimeUrl}/metrics`)).text();
    const line = text
      .split('\n')
      .find((candidate) => candidate.startsWith(`hrm_realtime_classes{status="${status}"} `));
    return Number(line?.split(' ')[1] ?? NaN);
  }

  it('shows a live class the same after a restart as before it', async () => {
    const before = await eventually(async () => {
      const shown = await snapshot();
      const complete =
        shown.values.length === devices.length && shown.values.every((value) => value.ts === lastTs);
      return complete ? shown : undefined;
    }, "every athlete's last sample on a screen");
    expect(before.session.status).toBe('live');
    expect(before.timer?.status).toBe('paused');
    expect(before.values.every((value) => value.points > 0)).toBe(true);

    await restartRealtime();

    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it('shows an ended class the same after a restart, without reading it at start', async () => {
    await expectStatus(stack.api('POST', `/api/v1/sessions/${live.sessionId}/end`), 200);
    const before = await eventually(async () => {
      const shown = await snapshot();
      return shown.session.status === 'ended' ? shown : undefined;
    }, 'the class to end on a screen');

    await restartRealtime();
    await eventually(
      async () => ((await classesInMemory('live')) === 0 ? true : undefined),
      'the first tick after the restart',
    );
    expect(await classesInMemory('ended')).toBe(0);

    expect(await snapshot()).toEqual(before);
    expect(before.values).toHaveLength(devices.length);
  }, 60_000);

  it('keeps an ended class while a screen watches it, lets it go a horizon after, and reads it again the same', async () => {
    const watching = await subscribe();
    const before = comparable(watching.snapshot);
    await sleep(HORIZON_MS + 2000);
    expect(await classesInMemory('ended')).toBe(1);

    const unwatchedAt = Date.now();
    watching.close();
    await eventually(
      async () => ((await classesInMemory('ended')) === 0 ? true : undefined),
      'the ended class to be let go of',
      HORIZON_MS + 10_000,
      200,
    );
    expect(Date.now() - unwatchedAt).toBeGreaterThanOrEqual(HORIZON_MS);

    expect(await snapshot()).toEqual(before);
  }, 60_000);
});
