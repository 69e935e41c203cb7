import { describe, expect, it } from '@jest/globals';
import type { DomainEvent, SessionSummary } from '#contracts';
import { summarizeEffort } from '#domain';
import { compareCountedOnce, type AthleteTotals } from './counted-once.js';

const envelope = (id: string, at: number) => ({
  id,
  occurredAt: at,
  recordedAt: at,
  correlationId: id,
  causationId: null,
});
const profile = {
  maxHr: 180,
  restingHr: null,
  zoneThresholds: [90, 108, 126, 144, 162],
  sex: 'female' as const,
  weightKg: 60,
  age: 40,
};
const joined: DomainEvent = {
  ...envelope('j1', 0),
  type: 'session.participant-joined',
  data: {
    sessionId: 's_1',
    participantId: 'p_1',
    memberId: 'm_1',
    displayName: 'Ana',
    deviceId: 'ant:1',
    maxHrAssumed: false,
    ...profile,
  },
};
const batch = (seq: number): DomainEvent => ({
  ...envelope(`hr${seq}`, seq * 1000),
  type: 'heart-rate.batch-recorded',
  data: {
    sessionId: 's_1',
    studioId: 'st_1',
    gatewayId: 'gw',
    samples: [{ participantId: 'p_1', deviceId: 'ant:1', ts: seq * 1000, bpm: 150, zone: 4, pctMax: 83 }],
  },
});
const batches = Array.from({ length: 60 }, (_, seq) => batch(seq + 1));
const folded = summarizeEffort(
  batches.map((_, seq) => ({ ts: (seq + 1) * 1000, bpm: 150 })),
  profile,
);
const totals: AthleteTotals = { kcal: folded.kcal, points: folded.points };

function summary(samples: number, shown: AthleteTotals): SessionSummary {
  const zeros = [0, 0, 0, 0, 0, 0];
  return {
    sessionId: 's_1',
    status: 'live',
    startedAt: 0,
    endedAt: null,
    durationMs: null,
    timer: null,
    participants: [
      {
        participantId: 'p_1',
        memberId: 'm_1',
        displayName: 'Ana',
        maxHr: 180,
        samples,
        avgBpm: 150,
        maxBpm: 150,
        peakPctMax: 83,
        minutesInZone: zeros,
        ...shown,
        highIntensityMinutes: 0,
        activeMinutes: 1,
      },
    ],
    totals: {
      participants: 1,
      samples,
      ...shown,
      highIntensityMinutes: 0,
      activeMinutes: 1,
      minutesInZone: zeros,
    },
  };
}

const input = {
  acked: 60,
  stored: 60,
  summary: summary(60, totals),
  sessionEvents: [joined],
  heartRateEvents: batches,
  screen: new Map([['p_1', totals]]),
};

describe('compareCountedOnce', () => {
  it('finds nothing to report when every view counts each sample once', () => {
    const report = compareCountedOnce(input);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ logSamples: 60, duplicated: 0, missing: 0 });
    expect(report.totals.log.points).toBeGreaterThan(0);
  });

  it('reports a batch written twice to the HR stream, though hr_samples holds it once', () => {
    const report = compareCountedOnce({ ...input, heartRateEvents: [...batches, batch(30)] });
    expect(report.duplicated).toBe(1);
    expect(report.problems).toEqual(['1 samples appear more than once in the HR stream']);
  });

  it('reports a screen whose totals counted samples twice, and a summary that differs', () => {
    const doubled = { kcal: (totals.kcal ?? 0) * 2, points: totals.points * 2 };
    const report = compareCountedOnce({
      ...input,
      summary: summary(60, { kcal: totals.kcal, points: totals.points + 1 }),
      screen: new Map([['p_1', doubled]]),
    });
    expect(report.problems).toHaveLength(2);
    expect(report.problems[0]).toMatch(/^p_1: summary shows/);
    expect(report.problems[1]).toMatch(/^p_1: screen shows/);
  });

  it('reports acked samples that never reached the log or history', () => {
    const report = compareCountedOnce({ ...input, acked: 61 });
    expect(report.missing).toBe(1);
    expect(report.problems).toEqual(
      expect.arrayContaining(['stored 60 ≠ acked 61', '1 acked samples are not in the HR stream']),
    );
  });
});

describe('compareCountedOnce with a gateway that resent samples under new ids', () => {
  it('allows those twice in the HR stream, and no more', () => {
    const resentTwice = [...batches, batch(30), batch(31)];
    expect(compareCountedOnce({ ...input, heartRateEvents: resentTwice, resent: 2 }).problems).toEqual([]);
    expect(compareCountedOnce({ ...input, heartRateEvents: resentTwice, resent: 1 }).problems).toEqual([
      '1 samples appear more than once in the HR stream (besides the 1 the gateway resent)',
    ]);
  });
});
