// A class as an event-sourced aggregate: its state is a fold of its events.
// This is the one fold of a class: ingest's windows, realtime's roster, the
// API's read model and the open-class index all derive from it.
import { applyMaxHrRaise } from '../heart-rate/adaptive-max.js';
import type { SessionEventBody, ParticipantJoinedData } from './events.js';

/** Max HR and zones as the class copied them at join: where the adaptive-max fold starts. */
export type JoinedMaxHr = Pick<ParticipantJoinedData, 'maxHr' | 'zoneThresholds' | 'zoneRule' | 'restingHr'>;

/**
 * A participant's profile as copied at join, with `maxHr` and `zoneThresholds`
 * moved by each raise; `present` turns false when they leave.
 */
export type Participant = Omit<ParticipantJoinedData, 'sessionId'> & {
  present: boolean;
  /** When the join was recorded (the event's `occurredAt`). */
  joinedAt: number;
  /** When the leave was recorded; null while present. */
  leftAt: number | null;
  joined: JoinedMaxHr;
  /** Each max a `session.max-hr-raised` raised this participant from, in log order. */
  raisedFrom: readonly number[];
};

/** Everyone who ever joined the class, by participantId. */
export type Roster = ReadonlyMap<string, Participant>;

type SessionFacts = {
  sessionId: string;
  studioId: string;
  title: string;
  startsAt: number | null;
  participants: Roster;
};

export type SessionState =
  | { status: 'initial' }
  | ({ status: 'scheduled' } & SessionFacts)
  | ({ status: 'live'; startedAt: number } & SessionFacts)
  | ({ status: 'ended'; startedAt: number; endedAt: number } & SessionFacts);

/** A class that exists: scheduled, live or ended. */
export type KnownSession = Exclude<SessionState, { status: 'initial' }>;

/** An event as the fold takes it: type and data, and when it was recorded (stored envelopes are these). */
export type SessionFact = SessionEventBody & { occurredAt: number };

export const initialSessionState: SessionState = { status: 'initial' };

/** Participants who have joined and not left. */
export function presentParticipants(roster: Roster): Participant[] {
  return [...roster.values()].filter((participant) => participant.present);
}

/** Folds a class's events, in log order, from the initial state. */
export const foldSession = (events: Iterable<SessionFact>): SessionState => {
  let state: SessionState = initialSessionState;
  for (const event of events) state = evolve(state, event);
  return state;
};

/** Applies one event; an event that does not fit the state (never decided so) leaves it unchanged. */
export function evolve(state: SessionState, event: SessionFact): SessionState {
  switch (event.type) {
    case 'session.scheduled': {
      if (state.status !== 'initial') return state;
      const { sessionId, studioId, title, startsAt } = event.data;
      return { status: 'scheduled', sessionId, studioId, title, startsAt, participants: new Map() };
    }
    case 'session.participant-joined': {
      if (state.status === 'initial' || state.participants.has(event.data.participantId)) return state;
      const { sessionId: _sessionId, ...profile } = event.data;
      const { maxHr, zoneThresholds, zoneRule, restingHr } = profile;
      const participants = new Map(state.participants).set(profile.participantId, {
        ...profile,
        present: true,
        joinedAt: event.occurredAt,
        leftAt: null,
        joined: { maxHr, zoneThresholds, ...(zoneRule !== undefined && { zoneRule }), restingHr },
        raisedFrom: [],
      });
      return { ...state, participants };
    }
    case 'session.participant-left': {
      if (state.status === 'initial') return state;
      const participant = state.participants.get(event.data.participantId);
      if (participant === undefined || !participant.present) return state;
      const participants = new Map(state.participants).set(participant.participantId, {
        ...participant,
        present: false,
        leftAt: event.occurredAt,
      });
      return { ...state, participants };
    }
    case 'session.started':
      return state.status === 'scheduled'
        ? { ...state, status: 'live', startedAt: event.data.startedAt }
        : state;
    case 'session.ended':
      return state.status === 'live' ? { ...state, status: 'ended', endedAt: event.data.endedAt } : state;
    case 'session.max-hr-raised': {
      if (state.status === 'initial') return state;
      const participant = state.participants.get(event.data.participantId);
      if (participant === undefined) return state;
      // A raise from a max no longer held moves nothing, but it is in the log: ingest must not append it again.
      const raised = applyMaxHrRaise(participant, event.data);
      const raisedFrom = [...raised.raisedFrom, event.data.previousMaxHr];
      const participants = new Map(state.participants).set(participant.participantId, {
        ...raised,
        raisedFrom,
      });
      return { ...state, participants };
    }
  }
}

/**
 * When a participant's samples count: the class's live window, narrowed by a
 * late join or an early leave. `from` is null until the class starts, `until`
 * null while the class is live and they are present.
 */
export function participantWindow(
  state: KnownSession,
  participant: Participant,
): { from: number | null; until: number | null } {
  const startedAt = state.status === 'scheduled' ? null : state.startedAt;
  const endedAt = state.status === 'ended' ? state.endedAt : null;
  const from = startedAt === null ? null : Math.max(startedAt, participant.joinedAt);
  const ends = [endedAt, participant.leftAt].filter((value): value is number => value !== null);
  return { from, until: ends.length > 0 ? Math.min(...ends) : null };
}
