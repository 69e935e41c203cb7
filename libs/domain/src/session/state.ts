// A class as an event-sourced aggregate: its state is a fold of its events.
import { applyMaxHrRaise } from '../heart-rate/adaptive-max.js';
import type { SessionEventBody, ParticipantJoinedData } from './events.js';

/** A participant's profile as copied at join; `present` turns false when they leave. */
export type Participant = Omit<ParticipantJoinedData, 'sessionId'> & { present: boolean };

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

export const initialSessionState: SessionState = { status: 'initial' };

/** Participants who have joined and not left. */
export function presentParticipants(roster: Roster): Participant[] {
  return [...roster.values()].filter((participant) => participant.present);
}

/** Applies one event; an event that does not fit the state (never decided so) leaves it unchanged. */
export function evolve(state: SessionState, event: SessionEventBody): SessionState {
  switch (event.type) {
    case 'session.scheduled': {
      if (state.status !== 'initial') return state;
      const { sessionId, studioId, title, startsAt } = event.data;
      return { status: 'scheduled', sessionId, studioId, title, startsAt, participants: new Map() };
    }
    case 'session.participant-joined': {
      if (state.status === 'initial') return state;
      const { sessionId: _sessionId, ...profile } = event.data;
      const participants = new Map(state.participants).set(profile.participantId, {
        ...profile,
        present: true,
      });
      return { ...state, participants };
    }
    case 'session.participant-left': {
      if (state.status === 'initial') return state;
      const participant = state.participants.get(event.data.participantId);
      if (participant === undefined) return state;
      const participants = new Map(state.participants).set(participant.participantId, {
        ...participant,
        present: false,
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
      const raised = participant === undefined ? null : applyMaxHrRaise(participant, event.data);
      if (participant === undefined || raised === participant || raised === null) return state;
      return { ...state, participants: new Map(state.participants).set(participant.participantId, raised) };
    }
  }
}
