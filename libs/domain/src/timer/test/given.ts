// The given/when/then helper and the fixtures of the timer's tests.
import { expect } from '@jest/globals';
import type { TimerProgram, TimerProgramInput } from '#contracts';
import { foldTimer } from '../clock.js';
import { decideTimer, type TimerCommand, type TimerContext } from '../decide.js';
import type { TimerEventBody } from '../events.js';
import { normalizeTimerProgram } from '../program.js';
import { RuleError as TimerRuleError, type TimerRuleCode } from '../../decider/rule-error.js';

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

/** Given these past events, when this command (at `seconds`), then these events or this refusal. */
export function given(...history: TimerEventBody[]) {
  const clock = foldTimer(history);
  return {
    when: (command: TimerCommand, seconds = 0, sessionStatus: TimerContext['sessionStatus'] = 'live') => {
      const decide = () => decideTimer(command, clock, { sessionId, now: at(seconds), sessionStatus });
      return {
        then: (...expected: TimerEventBody[]) => expect(decide()).toEqual(expected),
        thenRefused: (code: TimerRuleCode) => {
          const refusal = (() => {
            try {
              decide();
            } catch (error) {
              return error;
            }
            return undefined;
          })();
          expect(refusal).toBeInstanceOf(TimerRuleError);
          expect(refusal).toMatchObject({ name: 'RuleError', code });
        },
      };
    },
  };
}
