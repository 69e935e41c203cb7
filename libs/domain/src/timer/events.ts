// The timer's events as the decider and the state function see them: type and
// data, derived from the contracts' schemas. Stored events (with envelopes) fit too.
import type { TimerEvent } from '#contracts';

export type TimerEventBody = {
  [E in TimerEvent as E['type']]: { type: E['type']; data: E['data'] };
}[TimerEvent['type']];

export type TimerEventOf<T extends TimerEventBody['type']> = Extract<TimerEventBody, { type: T }>;
