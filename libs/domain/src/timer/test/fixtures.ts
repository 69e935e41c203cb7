// The fixtures of the timer's tests, and its given/when/then.
import type { TimerProgram, TimerProgramInput } from '#contracts';
import { deciderSpec } from '../../decider/test/decider-spec.js';
import type { SessionState } from '../../session/state.js';
import { timerDecider } from '../decider.js';
import type { TimerEventBody } from '../events.js';
import { normalizeTimerProgram } from '../program.js';

export const sessionId = 'monday-hiit';
/** Whole seconds from T0 make the tables easy to read. */
export const T0 = Date.UTC(2025, 0, 6, 18, 0);
export const at = (seconds: number) => T0 + seconds * 1000;

export function program(input: TimerProgramInput): TimerProgram {
  const result = normalizeTimerProgram(input);
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('; '));
  return result.program;
}

export const tabata = program({ preset: 'tabata' });

export const programSet = (chosen: TimerProgram, seconds = -60): TimerEventBody => ({
  type: 'timer.program-set',
  data: { sessionId, program: chosen, at: at(seconds) },
});
export const started = (seconds: number): TimerEventBody => ({
  type: 'timer.started',
  data: { sessionId, at: at(seconds) },
});
export const paused = (seconds: number): TimerEventBody => ({
  type: 'timer.paused',
  data: { sessionId, at: at(seconds) },
});
export const resumed = (seconds: number): TimerEventBody => ({
  type: 'timer.resumed',
  data: { sessionId, at: at(seconds) },
});
export const reset = (seconds: number): TimerEventBody => ({
  type: 'timer.reset',
  data: { sessionId, at: at(seconds) },
});
export const skipped = (seconds: number, toStep: number): TimerEventBody => ({
  type: 'timer.skipped',
  data: { sessionId, at: at(seconds), toStep },
});

const givenIn = (sessionStatus: SessionState['status']) =>
  deciderSpec(timerDecider(sessionId, sessionStatus), { now: T0, instant: at });

/** Given these past events, when this command (at whole `seconds` from T0, 0 by default) in a live class, then these events or this refusal. */
export const given = givenIn('live');
/** The same in a class not started yet. */
export const givenScheduled = givenIn('scheduled');
/** The same in a class that has ended. */
export const givenEnded = givenIn('ended');
