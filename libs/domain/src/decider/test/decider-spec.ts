// The given/when/then of every decider's tests: given these past events, when
// this command (decided at an instant), then these events or this refusal.
import { expect } from '@jest/globals';
import { foldWith, type Decider } from '../decider.js';
import { RuleError, type RuleCode } from '../rule-error.js';

export interface DeciderSpecOptions {
  /** When the past events were recorded, and the instant a command is decided at unless `when` says. */
  now: number;
  /** Reads `when`'s instant in the tests' own unit (whole seconds, say); milliseconds by default. */
  instant?: (at: number) => number;
}

export function deciderSpec<State, Command, Event>(
  decider: Decider<State, Command, Event>,
  { now, instant = (at) => at }: DeciderSpecOptions,
) {
  return (...history: Event[]) => {
    const state = foldWith(
      decider,
      history.map((event) => ({ ...event, occurredAt: now })),
    );
    return {
      when: (command: Command, at?: number) => {
        const decide = () => decider.decide(command, state, at === undefined ? now : instant(at));
        return {
          then: (...expected: Event[]) => expect(decide()).toEqual(expected),
          thenRefused: (code: RuleCode) => {
            const refusal = (() => {
              try {
                decide();
              } catch (error) {
                return error;
              }
              return undefined;
            })();
            expect(refusal).toBeInstanceOf(RuleError);
            expect(refusal).toMatchObject({ name: 'RuleError', code });
          },
        };
      },
    };
  };
}
