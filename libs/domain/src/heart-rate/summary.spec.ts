import { describe, expect, it } from '@jest/globals';
import { accumulateAll, type EffortProfile, type HeartRateSample } from './accumulator.js';
import { summarizeEffort } from './summary.js';

// Male, 80 kg, 35 y, max 180: zones start at 90, 108, 126, 144, 162 bpm; the
// 50 % floor is 90 bpm and 84 % is 151.2 bpm. By Keytel, 150 bpm is
// 62.5016 / 4.184 ≈ 14.938 kcal a minute and zone 4 (4 points a minute).
const profile: EffortProfile = {
  maxHr: 180,
  weightKg: 80,
  sex: 'male',
  age: 35,
  zoneThresholds: [90, 108, 126, 144, 162],
};

const samples = (...pairs: [ts: number, bpm: number][]): HeartRateSample[] =>
  pairs.map(([ts, bpm]) => ({ ts, bpm }));

describe('summarizeEffort', () => {
  it('summarises nothing as nothing', () => {
    expect(summarizeEffort([], profile)).toEqual({
      samples: 0,
      avgBpm: null,
      maxBpm: null,
      peakPctMax: null,
      maxHr: 180,
      zoneMs: [0, 0, 0, 0, 0, 0],
      kcal: 0,
      points: 0,
      activeMs: 0,
      highIntensityMs: 0,
    });
  });

  it('a minute at 150 bpm every 5 s: 13 samples, 60 s in zone 4, 14.938 kcal, 4 points, peak 150/180 = 83.3 %', () => {
    const minute = Array.from({ length: 13 }, (_, index) => ({ ts: index * 5_000, bpm: 150 }));
    const summary = summarizeEffort(minute, profile);
    expect(summary).toMatchObject({ samples: 13, avgBpm: 150, maxBpm: 150, peakPctMax: 83.3 });
    expect(summary.zoneMs).toEqual([0, 0, 0, 0, 60_000, 0]);
    expect(summary.kcal).toBeCloseTo(14.938, 3);
    expect(summary.points).toBeCloseTo(4, 6);
    expect(summary.activeMs).toBe(60_000);
    expect(summary.highIntensityMs).toBe(0);
  });

  it("gives each interval to the earlier sample's zone and skips a gap over 10 s", () => {
    // 0–5 s at 100 (zone 1), 5–16 s is a gap (11 s), 16–20 s at 170 (zone 5), 20–23 s at 80 (zone 0).
    const summary = summarizeEffort(
      samples([0, 100], [5_000, 170], [16_000, 170], [20_000, 80], [23_000, 80]),
      profile,
    );
    expect(summary.zoneMs).toEqual([3_000, 5_000, 0, 0, 0, 4_000]);
    // Active: 5 s at 100 and 4 s at 170; 80 is below the 90 bpm floor. High intensity: 4 s at 170 ≥ 151.2.
    expect(summary.activeMs).toBe(9_000);
    expect(summary.highIntensityMs).toBe(4_000);
    // Points: 1 × 5/60 + 4 × 4/60 = 21/60 = 0.35.
    expect(summary.points).toBeCloseTo(0.35, 6);
    // avg (100 + 170 + 170 + 80 + 80) / 5 = 120; peak 170 / 180 = 94.4 %.
    expect(summary).toMatchObject({ samples: 5, avgBpm: 120, maxBpm: 170, peakPctMax: 94.4 });
  });

  it('leaves bpm 0 out of avg and max, and the time after it out of every zone and every total', () => {
    // 0–5 s at 150 (zone 4), 5–10 s after a 0 (no reading): nothing; 10–15 s at 150 again.
    const summary = summarizeEffort(samples([0, 150], [5_000, 0], [10_000, 150], [15_000, 150]), profile);
    expect(summary).toMatchObject({ samples: 4, avgBpm: 150, maxBpm: 150 });
    expect(summary.zoneMs).toEqual([0, 0, 0, 0, 10_000, 0]);
    expect(summary.activeMs).toBe(10_000);
    // 14.938 × 10/60 ≈ 2.490 kcal.
    expect(summary.kcal).toBeCloseTo(2.49, 3);
  });

  it('has null heart-rate figures when every sample is bpm 0', () => {
    const summary = summarizeEffort(samples([0, 0], [5_000, 0]), profile);
    expect(summary).toMatchObject({ samples: 2, avgBpm: null, maxBpm: null, peakPctMax: null, points: 0 });
    expect(summary.zoneMs).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('ignores duplicates and stragglers, and agrees with the live fold on kcal, points and time', () => {
    const series = samples([0, 150], [2_000, 160], [2_000, 200], [1_000, 90], [4_000, 170], [6_000, 120]);
    const summary = summarizeEffort(series, profile);
    const live = accumulateAll(series, profile);
    expect(summary.samples).toBe(4);
    expect(summary.maxBpm).toBe(170);
    expect(summary).toMatchObject({
      kcal: live.kcal,
      points: live.points,
      activeMs: live.activeMs,
      highIntensityMs: live.highIntensityMs,
    });
  });

  it('keeps kcal null without a weight', () => {
    expect(summarizeEffort(samples([0, 150], [5_000, 150]), { ...profile, weightKg: null }).kcal).toBeNull();
  });

  it('follows the max HR each sample carries: the interval after a raised sample counts under the new max', () => {
    // Karvonen-free percent-max rule: at max 186 zones start at 93, 112, 130, 149, 167.
    const ruled: EffortProfile = {
      ...profile,
      zoneRule: { basis: 'max', percentages: [50, 60, 70, 80, 90] },
    };
    const summary = summarizeEffort(
      [
        { ts: 0, bpm: 190, maxHr: 180 }, // 190/180: 105.6 %; 0–5 s in zone 5
        { ts: 5_000, bpm: 165, maxHr: 186 }, // raised here: 5–15 s at 165 is zone 4 under 186 (5 under 180)
        { ts: 10_000, bpm: 165 }, // no max carried (older rows): the current one holds
        { ts: 15_000, bpm: 100 },
      ],
      ruled,
    );
    expect(summary.zoneMs).toEqual([0, 0, 0, 0, 10_000, 5_000]);
    expect(summary).toMatchObject({ maxHr: 186, peakPctMax: 105.6 });
  });

  it('moves zones with a raised max in proportion when the class recorded no zone rule', () => {
    const summary = summarizeEffort(
      [
        { ts: 0, bpm: 163, maxHr: 200 }, // 162 * 200 / 180 = 180: 163 is zone 4 under the raised max
        { ts: 5_000, bpm: 163 },
      ],
      profile,
    );
    expect(summary.zoneMs).toEqual([0, 0, 0, 0, 5_000, 0]);
  });
});
