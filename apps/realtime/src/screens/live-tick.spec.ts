import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Server } from 'socket.io';
import { LIVE_NAMESPACE } from '#contracts';
import { Metrics } from '#platform';
import { TimerBoard } from '../state/timer-board.js';
import { LiveAlerts } from './live-alerts.js';
import { LiveMetrics } from './live-metrics.js';
import { LiveTick } from './live-tick.js';

const TICK_MS = 250;

describe('LiveTick', () => {
  let server: Server;

  beforeEach(() => {
    jest.useFakeTimers();
    server = new Server();
  });

  // Never attached to an HTTP server: nothing to close.
  afterEach(() => {
    jest.useRealTimers();
  });

  function tickOf(registry: Metrics): LiveTick {
    const feed = { sessions: new Map(), timers: new TimerBoard({ send: () => undefined }) };
    return new LiveTick(feed, new LiveAlerts(feed), new LiveMetrics(registry), registry, TICK_MS);
  }

  it('samples the gauges once a tick', () => {
    const registry = new Metrics();
    const tick = tickOf(registry);
    tick.start(server.of(LIVE_NAMESPACE), () => undefined);
    jest.advanceTimersByTime(TICK_MS);
    const text = registry.render();
    expect(text).toContain('hrm_realtime_sockets 0');
    expect(text).toMatch(/hrm_realtime_classes\{status="live"\} 0/);
    tick.onApplicationShutdown();
  });

  it('leaves no timer running once the app shuts down, however often it was started', () => {
    const tick = tickOf(new Metrics());
    tick.start(server.of(LIVE_NAMESPACE), () => undefined);
    tick.start(server.of(LIVE_NAMESPACE), () => undefined);
    expect(jest.getTimerCount()).toBe(2); // the tick and the timer resync
    tick.onApplicationShutdown();
    expect(jest.getTimerCount()).toBe(0);
  });
});
