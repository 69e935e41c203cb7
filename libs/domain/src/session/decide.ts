// The class's rules: each command, given the state, yields new events or a
// RuleError. Pure: the caller loads the events and appends the result.
import type { ParticipantJoinedData, SessionEventBody, SessionEventOf } from './events.js';
import type { Decider } from '../decider/decider.js';
import { RuleError } from '../decider/rule-error.js';
import { evolve, initialSessionState, presentParticipants, type SessionState } from './state.js';

export type SessionCommand =
  | { type: 'schedule'; data: SessionEventOf<'session.scheduled'>['data'] }
  | { type: 'addParticipant'; data: Omit<ParticipantJoinedData, 'sessionId'> }
  | { type: 'removeParticipant'; data: { participantId: string } }
  /** `at` defaults to `now`: given only when the time is known better elsewhere (an import, a replay). */
  | { type: 'start'; data: { at?: number } }
  | { type: 'end'; data: { at?: number } }
  /** Adaptive max HR (ingest's fold): raise a participant's max from `previousMaxHr`, once. */
  | { type: 'raiseMaxHr'; data: Omit<SessionEventOf<'session.max-hr-raised'>['data'], 'sessionId'> };

/** A class's rules in the one shape of libs/domain/src/decider/decider.ts. */
export const sessionDecider: Decider<SessionState, SessionCommand, SessionEventBody> = {
  decide,
  evolve,
  initialState: initialSessionState,
};

type OpenSession = Extract<SessionState, { status: 'scheduled' | 'live' }>;

export function decide(command: SessionCommand, state: SessionState, now: number): SessionEventBody[] {
  switch (command.type) {
    case 'schedule':
      return [schedule(command.data, state)];
    case 'addParticipant':
      return [addParticipant(command.data, state)];
    case 'removeParticipant':
      return [removeParticipant(command.data, state)];
    case 'start':
      return [start(command.data.at ?? now, state)];
    case 'end':
      return [end(command.data.at ?? now, state)];
    case 'raiseMaxHr':
      return raiseMaxHr(command.data, state);
  }
}

function schedule(
  data: SessionEventOf<'session.scheduled'>['data'],
  state: SessionState,
): SessionEventOf<'session.scheduled'> {
  if (state.status !== 'initial') {
    throw new RuleError('already-exists', `session ${state.sessionId} already exists`);
  }
  const { sessionId, studioId, title, startsAt } = data;
  return { type: 'session.scheduled', data: { sessionId, studioId, title, startsAt } };
}

/** The roster may change while the class is scheduled or live, not before or after. */
function openForRoster(state: SessionState): OpenSession {
  if (state.status === 'initial') throw new RuleError('not-scheduled', 'no such session is scheduled');
  if (state.status === 'ended') {
    throw new RuleError('ended', `session ${state.sessionId} has ended: its roster is final`);
  }
  return state;
}

function addParticipant(
  data: Omit<ParticipantJoinedData, 'sessionId'>,
  state: SessionState,
): SessionEventOf<'session.participant-joined'> {
  const session = openForRoster(state);
  const present = presentParticipants(session.participants);
  if (session.participants.has(data.participantId)) {
    throw new RuleError('duplicate-participant', `participant ${data.participantId} already joined`);
  }
  if (present.some((participant) => participant.memberId === data.memberId)) {
    throw new RuleError('duplicate-participant', `member ${data.memberId} is already in the class`);
  }
  const holder = present.find(
    (participant) => data.deviceId !== null && participant.deviceId === data.deviceId,
  );
  if (holder !== undefined) {
    throw new RuleError('device-in-use', `device ${data.deviceId} is worn by ${holder.participantId}`);
  }
  return { type: 'session.participant-joined', data: { ...data, sessionId: session.sessionId } };
}

function removeParticipant(
  { participantId }: { participantId: string },
  state: SessionState,
): SessionEventOf<'session.participant-left'> {
  const session = openForRoster(state);
  if (session.participants.get(participantId)?.present !== true) {
    throw new RuleError('unknown-participant', `participant ${participantId} is not in the class`);
  }
  return { type: 'session.participant-left', data: { sessionId: session.sessionId, participantId } };
}

function start(at: number, state: SessionState): SessionEventOf<'session.started'> {
  switch (state.status) {
    case 'initial':
      throw new RuleError('not-scheduled', 'no such session is scheduled');
    case 'live':
      throw new RuleError('already-started', `session ${state.sessionId} started at ${state.startedAt}`);
    case 'ended':
      throw new RuleError('ended', `session ${state.sessionId} has ended`);
    case 'scheduled':
      return { type: 'session.started', data: { sessionId: state.sessionId, startedAt: at } };
  }
}

function end(at: number, state: SessionState): SessionEventOf<'session.ended'> {
  switch (state.status) {
    case 'initial':
      throw new RuleError('not-scheduled', 'no such session is scheduled');
    case 'scheduled':
      throw new RuleError('not-live', `session ${state.sessionId} has not started`);
    case 'ended':
      throw new RuleError('ended', `session ${state.sessionId} has already ended`);
    case 'live':
      // Two instances' clocks may disagree by a little: a class never ends before it started.
      return {
        type: 'session.ended',
        data: { sessionId: state.sessionId, endedAt: Math.max(at, state.startedAt) },
      };
  }
}

/**
 * A raise is decided from the heart rate every ingest instance folds alike, so
 * the same raise may come twice: one already in the log (`raisedFrom`), or
 * from a max the participant no longer holds, decides nothing rather than
 * refusing. Only a class that never went live has no heart rate to raise from.
 */
function raiseMaxHr(
  data: Omit<SessionEventOf<'session.max-hr-raised'>['data'], 'sessionId'>,
  state: SessionState,
): SessionEventOf<'session.max-hr-raised'>[] {
  if (state.status === 'initial') throw new RuleError('not-scheduled', 'no such session is scheduled');
  if (state.status === 'scheduled') {
    throw new RuleError('not-live', `session ${state.sessionId} has not started`);
  }
  const participant = state.participants.get(data.participantId);
  if (
    participant === undefined ||
    participant.raisedFrom.includes(data.previousMaxHr) ||
    participant.maxHr !== data.previousMaxHr ||
    data.maxHr <= data.previousMaxHr
  ) {
    return [];
  }
  return [{ type: 'session.max-hr-raised', data: { ...data, sessionId: state.sessionId } }];
}
