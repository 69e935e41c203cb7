export type TimerRuleCode =
  | 'no-program'
  | 'timer-running'
  | 'already-started'
  | 'not-started'
  | 'not-running'
  | 'not-paused'
  | 'finished'
  | 'ended';

/** A timer command that makes no sense in the timer's state; HTTP maps it to 409 `urn:hrm:rule:<code>`. */
export class TimerRuleError extends Error {
  override readonly name = 'TimerRuleError';

  constructor(
    readonly code: TimerRuleCode,
    message: string,
  ) {
    super(message);
  }
}
