// One athlete's summary of a class, folded with the same reducer the live
// screens use (accumulate), so the totals at the end of a class are the
// totals of its summary.
//
// bpm 0 means "no reading" (contract 1). Such a sample still takes part in the
// fold exactly as it does live: it closes the interval before it, and the
// interval after it is below the 50 % floor, so it adds no kcal, points or
// active time. It is left out of avg/max bpm and peak %max, and the time after
// it is in no zone: an unknown heart rate is not "below zone 1".
import {
  accumulate,
  MAX_GAP_MS,
  startEffort,
  type EffortProfile,
  type HeartRateSample,
} from './accumulator.js';
import { withMaxHr } from './adaptive-max.js';
import { pctMaxOf, zoneOf } from './zones.js';

export const ZONE_COUNT = 6;

export type EffortSummary = {
  /** Samples taken in (duplicates and samples older than the newest one are not). */
  samples: number;
  /** Mean of the readings (bpm > 0), not weighted by time; null without any. */
  avgBpm: number | null;
  maxBpm: number | null;
  /** Percent of the max HR in effect at each reading, at its highest. */
  peakPctMax: number | null;
  /** Max HR at the end: the one copied at join, or what adaptive max raised it to. */
  maxHr: number;
  /** Time in zones 0..5: each interval goes to the earlier sample's zone; gaps over 10 s go nowhere. */
  zoneMs: number[];
  kcal: number | null;
  points: number;
  activeMs: number;
  highIntensityMs: number;
};

/** Folds one athlete's samples, in timestamp order, into their summary. */
export function summarizeEffort(
  samples: Iterable<HeartRateSample & { maxHr?: number | null }>,
  joined: EffortProfile,
): EffortSummary {
  // The profile of the newest sample: its interval to the next one counts under it.
  let profile = joined;
  let effort = startEffort(profile);
  const zoneMs: number[] = Array.from({ length: ZONE_COUNT }, () => 0);
  let taken = 0;
  let readings = 0;
  let bpmSum = 0;
  let maxBpm: number | null = null;
  let peakPctMax: number | null = null;
  for (const sample of samples) {
    const { lastTs, lastBpm } = effort;
    if (lastTs !== null && sample.ts <= lastTs) continue;
    effort = accumulate(effort, sample, profile);
    taken++;
    if (lastTs !== null && lastBpm !== null && lastBpm !== 0) {
      const intervalMs = sample.ts - lastTs;
      const zone = zoneOf(lastBpm, profile.zoneThresholds);
      if (intervalMs <= MAX_GAP_MS) zoneMs[zone] = (zoneMs[zone] ?? 0) + intervalMs;
    }
    profile = withMaxHr(profile, sample.maxHr ?? profile.maxHr);
    if (sample.bpm > 0) {
      readings++;
      bpmSum += sample.bpm;
      maxBpm = Math.max(maxBpm ?? 0, sample.bpm);
      peakPctMax = Math.max(peakPctMax ?? 0, pctMaxOf(sample.bpm, profile.maxHr));
    }
  }
  return {
    samples: taken,
    avgBpm: readings === 0 ? null : bpmSum / readings,
    maxBpm,
    peakPctMax,
    maxHr: profile.maxHr,
    zoneMs,
    kcal: effort.kcal,
    points: effort.points,
    activeMs: effort.activeMs,
    highIntensityMs: effort.highIntensityMs,
  };
}
