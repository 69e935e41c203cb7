// The session's events as the decider sees them: type and data, derived from
// the contracts' schemas. The caller wraps them in envelopes.
import type { SessionEvent } from '#contracts';

export type SessionEventBody = {
  [E in SessionEvent as E['type']]: { type: E['type']; data: E['data'] };
}[SessionEvent['type']];

export type SessionEventOf<T extends SessionEventBody['type']> = Extract<SessionEventBody, { type: T }>;

export type ParticipantJoinedData = SessionEventOf<'session.participant-joined'>['data'];
