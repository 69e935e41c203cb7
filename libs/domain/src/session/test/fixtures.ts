// The fixtures of the session decider's tests, and its given/when/then.
import { deciderSpec } from '../../decider/test/decider-spec.js';
import { sessionDecider, type SessionCommand } from '../decide.js';
import type { ParticipantJoinedData, SessionEventBody } from '../events.js';

export const sessionId = 'monday-hiit';
export const NOW = Date.UTC(2025, 0, 6, 18, 0);

/** Given these past events, when this command (decided at `now`, NOW by default), then these events or this refusal. */
export const given = deciderSpec(sessionDecider, { now: NOW });

const athlete = (participantId: string, memberId: string, deviceId: string | null = null) => ({
  participantId,
  memberId,
  displayName: `Member ${memberId}`,
  deviceId,
  maxHr: 180,
  maxHrAssumed: false,
  restingHr: 60,
  zoneThresholds: [90, 108, 126, 144, 162],
  sex: 'female' as const,
  weightKg: 62,
  age: 40,
});

export const scheduleCommand = {
  type: 'schedule',
  data: { sessionId, studioId: 'downtown', title: 'Monday HIIT', startsAt: NOW },
} satisfies SessionCommand;
export const scheduled: SessionEventBody = { type: 'session.scheduled', data: scheduleCommand.data };
export const started: SessionEventBody = { type: 'session.started', data: { sessionId, startedAt: NOW } };
export const ended: SessionEventBody = {
  type: 'session.ended',
  data: { sessionId, endedAt: NOW + 3_600_000 },
};
export const joined = (profile: Omit<ParticipantJoinedData, 'sessionId'>): SessionEventBody => ({
  type: 'session.participant-joined',
  data: { ...profile, sessionId },
});
export const left = (participantId: string): SessionEventBody => ({
  type: 'session.participant-left',
  data: { sessionId, participantId },
});

export const ana = athlete('p-ana', 'ana', 'strap-1');
export const bo = athlete('p-bo', 'bo', 'strap-2');
export const add = (profile: Omit<ParticipantJoinedData, 'sessionId'>): SessionCommand => ({
  type: 'addParticipant',
  data: profile,
});
export const remove = (participantId: string): SessionCommand => ({
  type: 'removeParticipant',
  data: { participantId },
});
