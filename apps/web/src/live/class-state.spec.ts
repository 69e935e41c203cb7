import { describe, expect, it } from '@jest/globals';
import { encodeCompactValues, type LiveValue, type SessionSnapshot } from '#contracts';
import { classStateOf, withAlert, withFrame, withMetadata, withTimer } from './class-state.js';

const participant = (participantId: string, displayName: string) => ({
  participantId,
  memberId: `m_${participantId}`,
  displayName,
  deviceId: `ant:${participantId}`,
  maxHr: 190,
  zoneThresholds: [95, 114, 133, 152, 171],
});

const value = (participantId: string, bpm: number, ts = 1_000): LiveValue => ({
  participantId,
  bpm,
  zone: 3,
  pctMax: 70,
  kcal: 1.5,
  points: 0.4,
  status: 'ok',
  ts,
});

const snapshot: SessionSnapshot = {
  session: {
    sessionId: 's_1',
    studioId: 'st_1',
    title: 'Spin',
    status: 'live',
    startsAt: null,
    startedAt: 1,
    endedAt: null,
  },
  metadata: {
    sessionId: 's_1',
    version: 10,
    participants: [participant('p_a', 'Ann'), participant('p_b', 'Bob')],
  },
  values: { sessionId: 's_1', seq: 4, at: 1_000, values: [value('p_a', 120), value('p_b', 130)] },
  timer: null,
  spotify: null,
};

const frame = (seq: number, values: LiveValue[], full = false) =>
  encodeCompactValues({ sessionId: 's_1', seq, at: 2_000, ...(full && { full: true as const }), values });

describe("a class's state on a screen", () => {
  it('merges the next frame: changed athletes only, the others keep their value object', () => {
    const state = classStateOf(snapshot);
    const { state: next, gap } = withFrame(state, frame(5, [value('p_a', 150, 2_000)]));
    expect(gap).toBe(false);
    expect(next.seq).toBe(5);
    expect(next.values.get('p_a')?.bpm).toBe(150);
    // Bob's tile is not drawn again: same object.
    expect(next.values.get('p_b')).toBe(state.values.get('p_b'));
  });

  it('calls a skipped frame a gap and changes nothing; an old frame is ignored', () => {
    const state = classStateOf(snapshot);
    const skipped = withFrame(state, frame(7, [value('p_a', 150)]));
    expect(skipped).toEqual({ state, gap: true });
    const old = withFrame(state, frame(3, [value('p_a', 99)]));
    expect(old).toEqual({ state, gap: false });
  });

  it('replaces the values with a full frame at any seq, keeping unchanged objects', () => {
    const state = classStateOf(snapshot);
    const { state: next, gap } = withFrame(state, frame(42, [value('p_b', 130)], true));
    expect(gap).toBe(false);
    expect(next.seq).toBe(42);
    expect([...next.values.keys()]).toEqual(['p_b']);
    expect(next.values.get('p_b')).toBe(state.values.get('p_b'));
  });

  it('takes a newer roster, drops the values of athletes who left, and ignores an older one', () => {
    const state = classStateOf(snapshot);
    const left = withMetadata(state, {
      sessionId: 's_1',
      version: 12,
      participants: [participant('p_a', 'Ann')],
    });
    expect(left.participants.map(({ displayName }) => displayName)).toEqual(['Ann']);
    expect([...left.values.keys()]).toEqual(['p_a']);
    expect(withMetadata(left, snapshot.metadata)).toBe(left);
  });

  it("ignores another class's events and a timer older than the one it has", () => {
    const state = classStateOf(snapshot);
    expect(withFrame(state, { ...frame(5, [value('p_a', 1)]), sessionId: 's_2' }).state).toBe(state);
    const timer = {
      sessionId: 's_1',
      version: 8,
      status: 'idle' as const,
      program: null,
      round: 0,
      segmentIndex: null,
      stepIndex: null,
      phase: null,
      label: null,
      segmentDurationMs: null,
      remainingMs: null,
      elapsedMs: 0,
      cue: false,
      serverTime: 1,
    };
    const timed = withTimer(state, timer);
    expect(timed.timer).toEqual(timer);
    expect(withTimer(timed, { ...timer, version: 7, status: 'running' })).toBe(timed);
  });

  it('keeps the newest alerts first, at most twenty', () => {
    let state = classStateOf(snapshot);
    for (let at = 1; at <= 25; at++)
      state = withAlert(state, { sessionId: 's_1', kind: 'stale', participantId: 'p_a', at });
    expect(state.alerts).toHaveLength(20);
    expect(state.alerts[0]?.at).toBe(25);
  });
});
