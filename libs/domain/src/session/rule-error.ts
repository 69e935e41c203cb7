export type SessionRuleCode =
  | 'already-exists'
  | 'not-scheduled'
  | 'already-started'
  | 'not-live'
  | 'ended'
  | 'duplicate-participant'
  | 'device-in-use'
  | 'unknown-participant';

/** A command the class's rules refuse; `code` tells the caller which rule (HTTP maps it to 409). */
export class SessionRuleError extends Error {
  override readonly name = 'SessionRuleError';

  constructor(
    readonly code: SessionRuleCode,
    message: string,
  ) {
    super(message);
  }
}
