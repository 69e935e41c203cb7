import { describe, expect, it } from '@jest/globals';
import {
  accumulate,
  accumulateAll,
  startEffort,
  type EffortProfile,
  type HeartRateSample,
} from './accumulator.js';

// Male, 80 kg, 35 y, max 180: zones start at 90, 108, 126, 144, 162 bpm;
// 50 % of max is 90 bpm, 84 % is 151.2 bpm. 150 bpm is zone 4 (4 points a minute)
// and, by Keytel, ≈ 14.938 kcal a minute.
const profile: EffortProfile = {
  maxHr: 180,
  weightKg: 80,
  sex: 'male',
  age: 35,
  zoneThresholds: [90, 108, 126, 144, 162],
};

const samples = (...pairs: [ts: number, bpm: number][]): HeartRateSample[] =>
  pairs.map(([ts, bpm]) => ({ ts, bpm }));

describe('accumulate', () => {
  it('starts from nothing, with kcal 0 when the profile allows kcal and null when not', () => {
    expect(startEffort(profile)).toEqual({
      lastTs: null,
      lastBpm: null,
      kcal: 0,
      points: 0,
      activeMs: 0,
      highIntensityMs: 0,
    });
    expect(startEffort({ ...profile, weightKg: null }).kcal).toBeNull();
  });

  it('counts nothing for the first sample, which only opens the interval', () => {
    const totals = accumulate(startEffort(profile), { ts: 1_000, bpm: 150 }, profile);
    expect(totals).toMatchObject({ lastTs: 1_000, lastBpm: 150, kcal: 0, points: 0, activeMs: 0 });
  });

  it('integrates 5 s at 150 bpm: 14.938 × 5/60 ≈ 1.245 kcal; zone 4 (144–161) → 4 × 5/60 ≈ 0.333 points', () => {
    const totals = accumulateAll(samples([0, 150], [5_000, 150]), profile);
    expect(totals.kcal).toBeCloseTo(1.245, 3);
    expect(totals.points).toBeCloseTo(0.333, 3);
    expect(totals.activeMs).toBe(5_000);
  });

  it("counts the interval at the earlier sample's bpm", () => {
    const totals = accumulateAll(samples([0, 150], [5_000, 100]), profile);
    expect(totals.kcal).toBeCloseTo(1.245, 3);
    expect(totals.points).toBeCloseTo(0.333, 3);
  });

  it('adds up a minute at 150 bpm sampled every second to 14.938 kcal and 4 points', () => {
    const minute = Array.from({ length: 61 }, (_, second) => ({ ts: second * 1_000, bpm: 150 }));
    const totals = accumulateAll(minute, profile);
    expect(totals.kcal).toBeCloseTo(14.938, 3);
    expect(totals.points).toBeCloseTo(4, 6);
    expect(totals.activeMs).toBe(60_000);
  });

  it('counts high intensity at or above 84 % of max: 152 ≥ 151.2 counts, 150 does not', () => {
    expect(accumulateAll(samples([0, 152], [4_000, 100]), profile).highIntensityMs).toBe(4_000);
    expect(accumulateAll(samples([0, 150], [4_000, 100]), profile).highIntensityMs).toBe(0);
    // Max 200: 84 % is exactly 168 bpm.
    const max200 = { ...profile, maxHr: 200, zoneThresholds: [100, 120, 140, 160, 180] };
    expect(accumulateAll(samples([0, 168], [1_000, 100]), max200).highIntensityMs).toBe(1_000);
    expect(accumulateAll(samples([0, 167], [1_000, 100]), max200).highIntensityMs).toBe(0);
  });

  it('counts from 50 % of max: 90 bpm for 6 s → 24.6476 / 4.184 ≈ 5.891 kcal/min × 0.1 min ≈ 0.589 kcal; zone 1 → 1 × 0.1 = 0.1 points', () => {
    const atFloor = accumulateAll(samples([0, 90], [6_000, 90]), profile);
    expect(atFloor.kcal).toBeCloseTo(0.589, 3);
    expect(atFloor.points).toBeCloseTo(0.1, 6);
    expect(atFloor.activeMs).toBe(6_000);
  });

  it('counts nothing below 50 % of max: 89 bpm for 6 s', () => {
    const belowFloor = accumulateAll(samples([0, 89], [6_000, 89]), profile);
    expect(belowFloor).toMatchObject({ kcal: 0, points: 0, activeMs: 0, highIntensityMs: 0, lastTs: 6_000 });
  });

  it('integrates a gap of exactly 10 s: 14.938 × 10/60 ≈ 2.490 kcal, 4 × 10/60 ≈ 0.667 points', () => {
    const totals = accumulateAll(samples([0, 150], [10_000, 150]), profile);
    expect(totals.kcal).toBeCloseTo(2.49, 3);
    expect(totals.points).toBeCloseTo(0.667, 3);
  });

  it('skips a gap over 10 s and counts again from the sample after it', () => {
    const afterGap = accumulateAll(samples([0, 150], [10_001, 150]), profile);
    expect(afterGap).toMatchObject({ kcal: 0, points: 0, activeMs: 0, lastTs: 10_001 });

    const resumed = accumulateAll(samples([0, 150], [10_001, 150], [15_001, 150]), profile);
    expect(resumed.activeMs).toBe(5_000);
    expect(resumed.points).toBeCloseTo(0.333, 3);
  });

  it('ignores duplicates and samples older than the last one', () => {
    const inOrder = accumulateAll(samples([0, 150], [5_000, 150]), profile);
    const withStragglers = accumulateAll(
      samples([0, 150], [5_000, 150], [3_000, 200], [5_000, 200]),
      profile,
    );
    expect(withStragglers).toEqual(inOrder);
    expect(withStragglers.lastBpm).toBe(150);
  });

  it('keeps kcal null without a weight and still counts points', () => {
    const totals = accumulateAll(samples([0, 150], [5_000, 150]), { ...profile, weightKg: null });
    expect(totals.kcal).toBeNull();
    expect(totals.points).toBeCloseTo(0.333, 3);
  });

  it('continues from earlier totals, so a live fold and a replay agree', () => {
    const series = samples([0, 150], [2_000, 160], [4_000, 170], [6_000, 120]);
    const live = accumulateAll(series.slice(2), profile, accumulateAll(series.slice(0, 2), profile));
    expect(live).toEqual(accumulateAll(series, profile));
  });
});
