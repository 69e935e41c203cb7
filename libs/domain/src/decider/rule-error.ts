// One refusal for every aggregate's rules: `code` names the rule. HTTP answers
// it with 409 `urn:hrm:rule:<code>`, NATS responders with `rule:<code>`.

export type SessionRuleCode =
  | 'already-exists'
  | 'not-scheduled'
  | 'already-started'
  | 'not-live'
  | 'ended'
  | 'duplicate-participant'
  | 'device-in-use'
  | 'unknown-participant';

export type TimerRuleCode =
  | 'no-program'
  | 'timer-running'
  | 'already-started'
  | 'not-started'
  | 'not-running'
  | 'not-paused'
  | 'finished'
  | 'ended'
  | 'not-scheduled';

export type RuleCode = SessionRuleCode | TimerRuleCode;

/** A command the aggregate's rules refuse in its state. */
export class RuleError extends Error {
  override readonly name = 'RuleError';

  constructor(
    readonly code: RuleCode,
    message: string,
  ) {
    super(message);
  }
}
