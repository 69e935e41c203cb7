import { describe, expect, it } from '@jest/globals';
import type { SessionEvent } from '#contracts';
import {
  evolve,
  foldSession,
  initialSessionState,
  participantWindow,
  presentParticipants,
  type SessionFact,
  type SessionState,
} from './state.js';

const sessionId = 'monday-hiit';
const profile = {
  memberId: 'ana',
  displayName: 'Ana',
  deviceId: 'strap-1',
  maxHr: 180,
  maxHrAssumed: false,
  restingHr: null,
  zoneThresholds: [90, 108, 126, 144, 162],
  sex: 'female' as const,
  weightKg: null,
  age: 40,
};
const joinedMaxHr = { maxHr: 180, zoneThresholds: [90, 108, 126, 144, 162], restingHr: null };
const scheduled: SessionFact = {
  type: 'session.scheduled',
  data: { sessionId, studioId: 'downtown', title: 'Monday HIIT', startsAt: null },
  occurredAt: 100,
};
const joined: SessionFact = {
  type: 'session.participant-joined',
  data: { ...profile, sessionId, participantId: 'p-1' },
  occurredAt: 200,
};
const history: SessionFact[] = [
  scheduled,
  joined,
  {
    type: 'session.participant-joined',
    data: { ...profile, sessionId, participantId: 'p-2', memberId: 'bo' },
    occurredAt: 300,
  },
  { type: 'session.participant-left', data: { sessionId, participantId: 'p-1' }, occurredAt: 400 },
  { type: 'session.started', data: { sessionId, startedAt: 1_000 }, occurredAt: 1_000 },
];
const live = foldSession(history);
const known = (state: SessionState) => {
  if (state.status === 'initial') throw new Error('the class should exist');
  return state;
};

describe('evolve', () => {
  it('folds a class from scheduled to live, keeping who joined and left, and when', () => {
    expect(live).toEqual({
      status: 'live',
      sessionId,
      studioId: 'downtown',
      title: 'Monday HIIT',
      startsAt: null,
      startedAt: 1_000,
      participants: new Map([
        [
          'p-1',
          {
            ...profile,
            participantId: 'p-1',
            present: false,
            joinedAt: 200,
            leftAt: 400,
            joined: joinedMaxHr,
            raisedFrom: [],
          },
        ],
        [
          'p-2',
          {
            ...profile,
            participantId: 'p-2',
            memberId: 'bo',
            present: true,
            joinedAt: 300,
            leftAt: null,
            joined: joinedMaxHr,
            raisedFrom: [],
          },
        ],
      ]),
    });
    expect(presentParticipants(known(live).participants).map((p) => p.memberId)).toEqual(['bo']);
  });

  it('ends a live class', () => {
    const state = evolve(live, {
      type: 'session.ended',
      data: { sessionId, endedAt: 9_000 },
      occurredAt: 9_000,
    });
    expect(state).toMatchObject({ status: 'ended', startedAt: 1_000, endedAt: 9_000 });
  });

  it('takes stored events with their envelopes', () => {
    const stored: SessionEvent = {
      id: 'evt-1',
      occurredAt: 1,
      recordedAt: 2,
      correlationId: 'corr-1',
      causationId: null,
      type: 'session.scheduled',
      data: { sessionId, studioId: 'downtown', title: 'Monday HIIT', startsAt: null },
    };
    expect(evolve(initialSessionState, stored)).toMatchObject({ status: 'scheduled', sessionId });
  });

  it('raises a max HR from the max held, and remembers every raise read, even one that moves nothing', () => {
    const raise = (previousMaxHr: number, maxHr: number): SessionFact => ({
      type: 'session.max-hr-raised',
      data: {
        sessionId,
        participantId: 'p-2',
        previousMaxHr,
        maxHr,
        zoneThresholds: [95, 114, 133, 152, 171],
        at: 5_000,
      },
      occurredAt: 5_000,
    });
    const raised = foldSession([...history, raise(180, 190), raise(180, 188)]);
    expect(known(raised).participants.get('p-2')).toMatchObject({
      maxHr: 190,
      zoneThresholds: [95, 114, 133, 152, 171],
      joined: joinedMaxHr,
      raisedFrom: [180, 180],
    });
  });

  it('leaves the state unchanged for events that do not fit it', () => {
    const started: SessionFact = {
      type: 'session.started',
      data: { sessionId, startedAt: 5 },
      occurredAt: 5,
    };
    expect(evolve(initialSessionState, started)).toBe(initialSessionState);
    expect(evolve(live, scheduled)).toBe(live);
    expect(evolve(live, started)).toBe(live);
    expect(evolve(live, joined)).toBe(live);
    const leaves = (participantId: string): SessionFact => ({
      type: 'session.participant-left',
      data: { sessionId, participantId },
      occurredAt: 600,
    });
    expect(evolve(live, leaves('p-9'))).toBe(live);
    // Left once: a second leave keeps the time of the first.
    expect(evolve(live, leaves('p-1'))).toBe(live);
  });

  it('never changes the state it was given', () => {
    const before = evolve(initialSessionState, scheduled);
    const snapshot = structuredClone(before);
    evolve(before, joined);
    expect(before).toEqual(snapshot);
  });
});

describe('participantWindow', () => {
  const window = (state: SessionState, participantId: string) => {
    const session = known(state);
    const participant = session.participants.get(participantId);
    if (participant === undefined) throw new Error(`no ${participantId}`);
    return participantWindow(session, participant);
  };

  it('opens at the start, or at a later join, and stays open while the class is live', () => {
    expect(window(foldSession(history.slice(0, 3)), 'p-2')).toEqual({ from: null, until: null });
    expect(window(live, 'p-2')).toEqual({ from: 1_000, until: null });
    const lateJoin: SessionFact = {
      type: 'session.participant-joined',
      data: { ...profile, sessionId, participantId: 'p-3', memberId: 'cy' },
      occurredAt: 2_500,
    };
    expect(window(evolve(live, lateJoin), 'p-3')).toEqual({ from: 2_500, until: null });
  });

  it('closes at the earlier of leaving and the end of the class', () => {
    expect(window(live, 'p-1')).toEqual({ from: 1_000, until: 400 });
    const ended = evolve(live, {
      type: 'session.ended',
      data: { sessionId, endedAt: 9_000 },
      occurredAt: 9_000,
    });
    expect(window(ended, 'p-2')).toEqual({ from: 1_000, until: 9_000 });
  });
});
