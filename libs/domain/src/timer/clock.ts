// The timer as a fold of its events: where the program stood when the last
// event was applied, and whether it has been moving since. Nothing here ticks;
// `timerStateAt` reads the clock at any instant.
import type { TimerProgram } from '#contracts';
import type { TimerEventBody } from './events.js';
import { stepAt, stepCount, totalMs } from './program.js';

export interface TimerClock {
  program: TimerProgram | null;
  /** `finished` here only after a skip past the end; running out of program is derived at the instant. */
  status: 'idle' | 'running' | 'paused' | 'finished';
  /** Server time of the last event that fixed `positionMs` and `elapsedMs`. */
  anchorAt: number;
  /** Position on the program's timeline at `anchorAt` (skips jump it forward). */
  positionMs: number;
  /** Time run at `anchorAt`, pauses excluded. */
  elapsedMs: number;
}

export const initialTimerClock: TimerClock = {
  program: null,
  status: 'idle',
  anchorAt: 0,
  positionMs: 0,
  elapsedMs: 0,
};

/** How long the clock has run from its anchor to `at`, never past the program's end. */
export function runSince(clock: TimerClock, at: number): number {
  if (clock.status !== 'running' || clock.program === null) return 0;
  const toEnd = totalMs(clock.program) - clock.positionMs;
  return Math.max(0, Math.min(at - clock.anchorAt, toEnd));
}

/** The clock moved to `at`: position and run time advanced, re-anchored there. */
function advance(clock: TimerClock, at: number): TimerClock {
  const run = runSince(clock, at);
  return { ...clock, anchorAt: at, positionMs: clock.positionMs + run, elapsedMs: clock.elapsedMs + run };
}

/** Applies one event; one that does not fit the clock (never decided so) leaves it unchanged. */
export function evolveTimer(clock: TimerClock, event: TimerEventBody): TimerClock {
  const { at } = event.data;
  switch (event.type) {
    case 'timer.program-set':
      return { program: event.data.program, status: 'idle', anchorAt: at, positionMs: 0, elapsedMs: 0 };
    case 'timer.started':
      return clock.program === null || clock.status !== 'idle'
        ? clock
        : { ...clock, status: 'running', anchorAt: at, positionMs: 0, elapsedMs: 0 };
    case 'timer.paused':
      return clock.status === 'running' ? { ...advance(clock, at), status: 'paused' } : clock;
    case 'timer.resumed':
      return clock.status === 'paused' ? { ...clock, status: 'running', anchorAt: at } : clock;
    case 'timer.reset':
      return clock.program === null
        ? clock
        : { ...clock, status: 'idle', anchorAt: at, positionMs: 0, elapsedMs: 0 };
    case 'timer.skipped': {
      if (clock.program === null || (clock.status !== 'running' && clock.status !== 'paused')) return clock;
      const moved = advance(clock, at);
      const target = stepAt(clock.program, event.data.toStep);
      if (target === null || event.data.toStep >= stepCount(clock.program)) {
        return { ...moved, status: 'finished' };
      }
      return { ...moved, positionMs: Math.max(moved.positionMs, target.startMs) };
    }
  }
}

/** The clock after all of a timer's events, oldest first. */
export function foldTimer(events: readonly TimerEventBody[]): TimerClock {
  return events.reduce(evolveTimer, initialTimerClock);
}
