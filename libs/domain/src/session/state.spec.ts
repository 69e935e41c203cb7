import { describe, expect, it } from '@jest/globals';
import type { SessionEvent } from '#contracts';
import type { SessionEventBody } from './events.js';
import { evolve, initialSessionState, presentParticipants } from './state.js';

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
const scheduled: SessionEventBody = {
  type: 'session.scheduled',
  data: { sessionId, studioId: 'downtown', title: 'Monday HIIT', startsAt: null },
};
const joined: SessionEventBody = {
  type: 'session.participant-joined',
  data: { ...profile, sessionId, participantId: 'p-1' },
};
const history: SessionEventBody[] = [
  scheduled,
  joined,
  {
    type: 'session.participant-joined',
    data: { ...profile, sessionId, participantId: 'p-2', memberId: 'bo' },
  },
  { type: 'session.participant-left', data: { sessionId, participantId: 'p-1' } },
  { type: 'session.started', data: { sessionId, startedAt: 1_000 } },
];

describe('evolve', () => {
  it('folds a class from scheduled to live, keeping who joined and who left', () => {
    const state = history.reduce(evolve, initialSessionState);
    expect(state).toEqual({
      status: 'live',
      sessionId,
      studioId: 'downtown',
      title: 'Monday HIIT',
      startsAt: null,
      startedAt: 1_000,
      participants: new Map([
        ['p-1', { ...profile, participantId: 'p-1', present: false }],
        ['p-2', { ...profile, participantId: 'p-2', memberId: 'bo', present: true }],
      ]),
    });
    expect(state.status === 'live' && presentParticipants(state.participants).map((p) => p.memberId)).toEqual(
      ['bo'],
    );
  });

  it('ends a live class', () => {
    const state = evolve(history.reduce(evolve, initialSessionState), {
      type: 'session.ended',
      data: { sessionId, endedAt: 9_000 },
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

  it('leaves the state unchanged for events that do not fit it', () => {
    const live = history.reduce(evolve, initialSessionState);
    expect(evolve(initialSessionState, { type: 'session.started', data: { sessionId, startedAt: 5 } })).toBe(
      initialSessionState,
    );
    expect(evolve(live, scheduled)).toBe(live);
    expect(evolve(live, { type: 'session.started', data: { sessionId, startedAt: 5 } })).toBe(live);
    expect(
      evolve(live, { type: 'session.participant-left', data: { sessionId, participantId: 'p-9' } }),
    ).toBe(live);
  });

  it('never changes the state it was given', () => {
    const before = evolve(initialSessionState, scheduled);
    const snapshot = structuredClone(before);
    evolve(before, joined);
    expect(before).toEqual(snapshot);
  });
});
