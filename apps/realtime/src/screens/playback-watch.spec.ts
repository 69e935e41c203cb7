import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Server } from 'socket.io';
import { LIVE_NAMESPACE, rooms, sessionEvent, type SessionEvent } from '#contracts';
import { foldSession } from '#domain';
import { LiveSessionState } from '../state/live-session.js';
import { PlaybackWatch, SPOTIFY_WATCH_EVERY_MS } from './playback-watch.js';

const T0 = Date.UTC(2026, 10, 26, 10, 0);

const envelope = (id: string, occurredAt: number) => ({
  id,
  occurredAt,
  recordedAt: occurredAt,
  correlationId: 'corr',
  causationId: null,
});

/** A class of `studioId`, scheduled, and started when `live`. */
function liveClass(sessionId: string, studioId: string, live: boolean): LiveSessionState {
  const events: SessionEvent[] = [
    sessionEvent.parse({
      ...envelope(`${sessionId}-scheduled`, T0 - 60_000),
      type: 'session.scheduled',
      data: { sessionId, studioId, title: 'Spin', startsAt: T0 },
    }),
  ];
  if (live)
    events.push(
      sessionEvent.parse({
        ...envelope(`${sessionId}-started`, T0),
        type: 'session.started',
        data: { sessionId, startedAt: T0 },
      }),
    );
  const state = foldSession(events);
  if (state.status === 'initial') throw new Error('no class in these events');
  return new LiveSessionState(state, events.length);
}

describe('PlaybackWatch', () => {
  let server: Server;

  beforeEach(() => {
    jest.useFakeTimers();
    server = new Server();
  });

  // Never attached to an HTTP server: nothing to close.
  afterEach(() => {
    jest.useRealTimers();
  });

  it('names the studios screens watch, directly or through a live class, at start and every round', () => {
    const namespace = server.of(LIVE_NAMESPACE);
    const sessions = new Map([
      ['s-live', liveClass('s-live', 'downtown', true)],
      ['s-later', liveClass('s-later', 'uptown', false)],
    ]);
    namespace.adapter.addAll('screen-1', new Set(['screen-1', rooms.studio('harbour')]));
    namespace.adapter.addAll(
      'screen-2',
      new Set(['screen-2', rooms.session('s-live'), rooms.sessionCompact('s-live')]),
    );
    namespace.adapter.addAll('screen-3', new Set(['screen-3', rooms.session('s-later')]));
    const named: string[] = [];
    const watch = new PlaybackWatch({ sessions }, (studioId) => named.push(studioId));

    watch.start(namespace);
    expect(named.sort()).toEqual(['downtown', 'harbour']);

    named.length = 0;
    jest.advanceTimersByTime(SPOTIFY_WATCH_EVERY_MS);
    expect(named.sort()).toEqual(['downtown', 'harbour']);
  });

  it('leaves no timer running once the app shuts down', () => {
    const named: string[] = [];
    const watch = new PlaybackWatch({ sessions: new Map() }, (studioId) => named.push(studioId));
    watch.start(server.of(LIVE_NAMESPACE));
    watch.start(server.of(LIVE_NAMESPACE)); // started twice: still one round
    expect(jest.getTimerCount()).toBe(1);
    watch.onApplicationShutdown();
    expect(jest.getTimerCount()).toBe(0);
  });
});
