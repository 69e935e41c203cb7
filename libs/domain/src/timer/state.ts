// The timer's state at any instant: a pure function of its events (each
// stamped with server time) and that instant. Every instance, before or after a
// restart, computes the same `segmentEndsAt` to the millisecond.
import { CUE_MS, type TimerState } from '#contracts';
import { foldTimer, runSince, type TimerClock } from './clock.js';
import type { TimerEventBody } from './events.js';
import { stepAtPosition, totalMs } from './program.js';

export interface TimerIdentity {
  sessionId: string;
  /** The timer aggregate's version (stream sequence of its last event; 0 before any). */
  version: number;
}

/**
 * `timer:state` of a timer with these events (oldest first) at `instant`:
 * only the events stamped at or before it count, so any past instant can be asked too.
 */
export function timerStateAt(
  events: readonly TimerEventBody[],
  instant: number,
  id: TimerIdentity,
): TimerState {
  return timerStateOfClock(foldTimer(eventsUntil(events, instant)), instant, id);
}

/**
 * The same from a clock folded with `evolveTimer` as events arrive. A reader
 * whose clock is a little behind the writer's applies every event it received
 * (a command is never held back by clock skew) and reads the clock at its own now.
 */
export function timerStateOfClock(clock: TimerClock, instant: number, id: TimerIdentity): TimerState {
  const still = {
    ...id,
    program: clock.program,
    round: 0,
    segmentIndex: null,
    stepIndex: null,
    phase: null,
    label: null,
    segmentDurationMs: null,
    cue: false,
    serverTime: instant,
  };
  if (clock.program === null || clock.status === 'idle') {
    return { ...still, status: 'idle', remainingMs: null, elapsedMs: 0 };
  }
  const run = runSince(clock, instant);
  const positionMs = clock.positionMs + run;
  const elapsedMs = clock.elapsedMs + run;
  const step = clock.status === 'finished' ? null : stepAtPosition(clock.program, positionMs);
  if (step === null || positionMs >= totalMs(clock.program)) {
    return { ...still, status: 'finished', remainingMs: 0, elapsedMs };
  }
  const endMs = step.startMs + step.durationMs;
  const bounded = Number.isFinite(endMs);
  const remainingMs = bounded ? endMs - positionMs : null;
  const running = clock.status === 'running';
  // From the anchor, not from `instant`: the end is fixed by the events alone.
  const segmentEndsAt = running && bounded ? clock.anchorAt + (endMs - clock.positionMs) : undefined;
  return {
    ...still,
    status: running ? 'running' : 'paused',
    round: step.round,
    segmentIndex: step.segmentIndex,
    stepIndex: step.index,
    phase: step.phase,
    label: step.label,
    segmentDurationMs: Number.isFinite(step.durationMs) ? step.durationMs : null,
    remainingMs,
    elapsedMs,
    cue: running && remainingMs !== null && remainingMs <= CUE_MS,
    ...(segmentEndsAt !== undefined && { segmentEndsAt, cueStartsAt: segmentEndsAt - CUE_MS }),
  };
}

/**
 * The first instant after `now` at which the running timer moves to another
 * segment (or finishes): when screens must get a new `timer:state`. Null when
 * nothing changes by itself (idle, paused, finished, a stopwatch running).
 * Exact: the same events give the same instant on every instance.
 */
export function nextBoundaryAfter(
  source: readonly TimerEventBody[] | TimerClock,
  now: number,
): number | null {
  const clock = isClock(source) ? source : foldTimer(eventsUntil(source, now));
  return timerStateOfClock(clock, now, { sessionId: 'boundary', version: 0 }).segmentEndsAt ?? null;
}

function eventsUntil(events: readonly TimerEventBody[], instant: number): readonly TimerEventBody[] {
  const later = events.findIndex((event) => event.data.at > instant);
  return later === -1 ? events : events.slice(0, later);
}

function isClock(source: readonly TimerEventBody[] | TimerClock): source is TimerClock {
  return !Array.isArray(source);
}
