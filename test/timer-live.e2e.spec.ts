// The class timer on screens (issue 5): timer:state at every boundary from two
// realtime instances at the same instants, and the same segmentEndsAt to the
// millisecond from new instances of realtime and the API after a restart.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { sessionView, studio, timerState, type TimerState } from '#contracts';
import { eventually, startTestStack, TEST_ADMIN_TOKEN, type TestStack } from '#testing';
import { expectStatus } from './support/live-class.js';
import { connected, liveSocket } from './support/screen.js';

type Received = { at: number; state: TimerState };

/** A screen that records every timer:state with the time it arrived. */
async function timerScreen(url: string, sessionId: string) {
  const socket = liveSocket(url, TEST_ADMIN_TOKEN);
  await connected(socket);
  const received: Received[] = [];
  socket.on('timer:state', (payload: unknown) =>
    received.push({ at: Date.now(), state: timerState.parse(payload) }),
  );
  const ack = z
    .object({ ok: z.literal(true), snapshot: z.object({ timer: timerState.nullable() }) })
    .parse(await socket.timeout(5000).emitWithAck('session:subscribe', { sessionId }));
  return { socket, received, snapshot: ack.snapshot.timer };
}

/** The first frame each screen got for each step of the program (a boundary or a command). */
const firstPerStep = (received: Received[]) => {
  const steps = new Map<number, Received>();
  for (const frame of received) {
    const step = frame.state.stepIndex;
    if (step !== null && !steps.has(step)) steps.set(step, frame);
  }
  return steps;
};

describe('the class timer on screens', () => {
  let stack: TestStack;
  let studioId: string;
  const sockets: Array<{ close(): void }> = [];
  const call = (method: string, route: string, status: number, body?: unknown) =>
    expectStatus(stack.api(method, `/api/v1${route}`, body), status);
  const liveClass = async (program: unknown) => {
    const { id } = sessionView.parse(
      await call('POST', `/studios/${studioId}/sessions`, 201, { title: 'HIIT' }),
    );
    await call('POST', `/sessions/${id}/start`, 200);
    await call('PUT', `/sessions/${id}/timer`, 200, program);
    return id;
  };

  beforeAll(async () => {
    stack = await startTestStack(['api', 'realtime']);
    await stack.addService('realtime');
    studioId = studio.parse(await call('POST', '/studios', 201, { name: 'Timers' })).id;
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await stack?.stop();
  });

  it('sends every boundary from two instances within 50 ms of each other, with the same segmentEndsAt', async () => {
    // Prepare 2 s, then work 2 s / rest 1 s, twice: boundaries 2, 4, 5, 7 and 8 s after the start.
    const sessionId = await liveClass({
      preset: 'custom',
      prepareSec: 2,
      segments: [
        { kind: 'work', durationSec: 2 },
        { kind: 'rest', durationSec: 1 },
      ],
      rounds: 2,
    });
    const first = await timerScreen(stack.serviceUrl('realtime'), sessionId);
    const second = await timerScreen(stack.serviceUrl('realtime#2'), sessionId);
    sockets.push(first.socket, second.socket);
    expect(first.snapshot).toMatchObject({ status: 'idle', program: { preset: 'custom' } });

    // The coach starts it from a tablet on the first instance; the API owns the command.
    const ack = z
      .object({ ok: z.literal(true), state: timerState })
      .parse(await first.socket.timeout(5000).emitWithAck('timer:command', { sessionId, action: 'start' }));
    expect(ack.state).toMatchObject({ status: 'running', phase: 'prepare' });
    const endsAt = (ack.state.segmentEndsAt ?? 0) - 2000;

    await eventually(
      () => (second.received.some((frame) => frame.state.status === 'finished') ? true : undefined),
      'the timer to finish on the second screen',
      20_000,
    );
    await eventually(
      () => (first.received.some((frame) => frame.state.status === 'finished') ? true : undefined),
      'the timer to finish on the first screen',
    );
    const a = firstPerStep(first.received);
    const b = firstPerStep(second.received);
    expect([...a.keys()]).toEqual([0, 1, 2, 3, 4]);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [step, frame] of a) {
      const other = b.get(step);
      expect(other?.state.segmentEndsAt).toBe(frame.state.segmentEndsAt);
      expect(Math.abs((other?.at ?? 0) - frame.at)).toBeLessThanOrEqual(50);
    }
    // And on time: each boundary frame arrived within 250 ms of the instant it marks.
    const boundaries = [2000, 4000, 5000, 7000].map((offset) => endsAt + offset);
    [1, 2, 3, 4].forEach((step, index) => {
      const arrived = a.get(step)?.at ?? 0;
      expect(arrived - (boundaries[index] ?? 0)).toBeGreaterThanOrEqual(-5);
      expect(arrived - (boundaries[index] ?? 0)).toBeLessThan(250);
    });
  }, 60_000);

  it('reports the same segmentEndsAt to the millisecond after realtime and the API are restarted mid-segment', async () => {
    const sessionId = await liveClass({
      preset: 'custom',
      prepareSec: 0,
      segments: [{ kind: 'work', durationSec: 120 }],
      rounds: 1,
    });
    await call('POST', `/sessions/${sessionId}/timer/start`, 200);
    const before = timerState.parse(await call('GET', `/sessions/${sessionId}/timer`, 200));
    const screen = await timerScreen(stack.serviceUrl('realtime'), sessionId);
    screen.socket.close();
    expect(screen.snapshot?.segmentEndsAt).toBe(before.segmentEndsAt);

    await stack.service('realtime').stop(true);
    await stack.service('api').stop(true);
    await stack.service('api').start();
    await stack.service('realtime').start();

    const after = timerState.parse(await call('GET', `/sessions/${sessionId}/timer`, 200));
    expect(after).toMatchObject({ status: 'running', stepIndex: before.stepIndex });
    expect(after.segmentEndsAt).toBe(before.segmentEndsAt);
    const again = await timerScreen(stack.serviceUrl('realtime'), sessionId);
    sockets.push(again.socket);
    expect(again.snapshot?.segmentEndsAt).toBe(before.segmentEndsAt);
    // The other instance, which never stopped, agrees.
    const survivor = await timerScreen(stack.serviceUrl('realtime#2'), sessionId);
    sockets.push(survivor.socket);
    expect(survivor.snapshot?.segmentEndsAt).toBe(before.segmentEndsAt);
  }, 90_000);
});
