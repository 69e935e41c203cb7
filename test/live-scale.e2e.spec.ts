// Realtime restart-safe and scaled out: two instances serve one class, each
// from the log, and show the same values and totals; an instance SIGKILLed
// mid-class comes back, rebuilds from the log before it takes a screen, and
// its reconnected screen shows what it had plus what happened since.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { eventually, sleep, startTestStack, TEST_ADMIN_TOKEN, type TestStack } from '#testing';
import { TestGateway } from './support/gateway.js';
import { setUpLiveClass, type LiveClass } from './support/live-class.js';
import { connected, liveSocket, Screen } from './support/screen.js';

const devices = Array.from({ length: 4 }, (_, index) => `ant:120:4000${index}`);

describe('realtime: two instances, and a restart mid-class', () => {
  let stack: TestStack;
  let live: LiveClass;
  let gateway: TestGateway;
  const sockets: Socket[] = [];
  /** Sample time advances 1 s per batch, so kcal and points grow; from the class's start (set in beforeAll). */
  let t0 = 0;
  let batches = 0;

  const publish = async (count: number) => {
    for (let i = 0; i < count; i++, batches++) {
      await gateway.publish(
        t0 + batches * 1000,
        devices,
        (_device, index) => 120 + index * 8 + (batches % 15),
      );
      await sleep(50);
    }
  };
  const lastTs = () => t0 + (batches - 1) * 1000;
  const screenOn = async (url: string, reconnect = false) => {
    const socket = liveSocket(url, TEST_ADMIN_TOKEN, reconnect);
    sockets.push(socket);
    await connected(socket);
    const screen = new Screen(socket, live.sessionId);
    await screen.subscribe();
    return screen;
  };
  const showsLatest = (screen: Screen) =>
    screen.values.size === devices.length &&
    [...screen.values.values()].every((value) => value.ts === lastTs());

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest', 'realtime'], { env: { HRM_TICK_MS: '200' } });
    await stack.addService('realtime');
    live = await setUpLiveClass(stack, devices);
    // Samples dated before the class started count for nobody: on a loaded machine the stack's start
    // alone can outlast the 20 s of samples the first test sends.
    t0 = Date.now();
    gateway = await TestGateway.connect(stack, live.studioId, 'gw-scale');
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await stack?.stop();
  });

  it('shows the same values and totals to screens on two instances', async () => {
    const first = await screenOn(stack.serviceUrl('realtime'));
    const second = await screenOn(stack.serviceUrl('realtime#2'));
    await publish(20);
    await eventually(
      () => (showsLatest(first) && showsLatest(second) ? true : undefined),
      'both screens up to date',
    );
    expect(first.shown()).toEqual(second.shown());
    const totals = Object.values(first.shown());
    expect(totals.every((value) => value.points > 0 && (value.kcal ?? 0) > 0)).toBe(true);
    // Each instance numbers its own frames; both are gap-free on their own.
    expect(first.gaps + second.gaps).toBe(0);
  });

  it('gives a screen whose instance was killed mid-class the same state after it reconnects', async () => {
    const survivor = await screenOn(stack.serviceUrl('realtime#2'));
    const screen = await screenOn(stack.serviceUrl('realtime'), true);
    await publish(10);
    await eventually(
      () => (showsLatest(screen) ? true : undefined),
      'the screen up to date before the crash',
    );
    const before = screen.shown();

    const realtime = stack.service('realtime');
    await realtime.stop(true);
    await publish(10); // the class goes on while the instance is down
    await realtime.start(); // healthy only once it has rebuilt every class from the log
    const ready = await fetch(`${stack.serviceUrl('realtime')}/readyz`);
    expect(ready.status).toBe(200);
    await eventually(() => (screen.subscribes >= 2 ? true : undefined), 'the screen to re-subscribe');
    await publish(5);
    await eventually(
      () => (showsLatest(screen) && showsLatest(survivor) ? true : undefined),
      'both screens up to date after the restart',
    );
    expect(screen.shown()).toEqual(survivor.shown());
    // What it had, plus what happened since: totals only grew.
    for (const [participantId, value] of Object.entries(screen.shown())) {
      expect(value.points).toBeGreaterThan(before[participantId]?.points ?? Infinity);
      expect(value.kcal ?? 0).toBeGreaterThan(before[participantId]?.kcal ?? Infinity);
    }
    // And a screen that connects to the restarted instance now gets that state in its snapshot.
    const fresh = await screenOn(stack.serviceUrl('realtime'));
    expect(fresh.shown()).toEqual(survivor.shown());
  });

  it('shows an ended class with its final values and totals on an instance started after it ended', async () => {
    const watcher = await screenOn(stack.serviceUrl('realtime#2'));
    await eventually(() => (showsLatest(watcher) ? true : undefined), 'the screen up to date');
    const final = watcher.shown();
    const ended = await stack.api('POST', `/api/v1/sessions/${live.sessionId}/end`);
    expect(ended.status).toBe(200);

    const second = stack.service('realtime#2');
    await second.stop();
    await second.start();
    const late = await screenOn(stack.serviceUrl('realtime#2'));
    expect(late.shown()).toEqual(final);
  });
});
