// The timer's rules in the one shape of libs/domain/src/decider/decider.ts. The
// timer is its own aggregate (evt.session.<id>.timer), but its rules read the
// class it belongs to: the decider is made for that class as it was read.
import type { Decider } from '../decider/decider.js';
import type { SessionState } from '../session/state.js';
import { evolveTimer, initialTimerClock, type TimerClock } from './clock.js';
import { decideTimer, type TimerCommand } from './decide.js';
import type { TimerEventBody } from './events.js';

export interface TimerDeciderState {
  clock: TimerClock;
  /** The stamp of the last event (0 before any): a new stamp never goes back. */
  lastAt: number;
}

export type TimerDecider = Decider<TimerDeciderState, TimerCommand, TimerEventBody>;

export const initialTimerDeciderState: TimerDeciderState = { clock: initialTimerClock, lastAt: 0 };

/** The decider of this class's timer, the class being in `sessionStatus`. */
export function timerDecider(sessionId: string, sessionStatus: SessionState['status']): TimerDecider {
  return {
    // Stamps never go back on one timer, whichever instance's clock stamps them.
    decide: (command, { clock, lastAt }, now) =>
      decideTimer(command, clock, { sessionId, now: Math.max(now, lastAt), sessionStatus }),
    evolve: ({ clock, lastAt }, event) => ({
      clock: evolveTimer(clock, event),
      lastAt: Math.max(lastAt, event.data.at),
    }),
    initialState: initialTimerDeciderState,
  };
}
