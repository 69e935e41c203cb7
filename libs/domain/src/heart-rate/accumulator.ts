// Running totals of one athlete's effort, folded sample by sample. The same
// reducer serves the live screens and the summaries of finished classes.
//
// Each interval between two samples is counted at the earlier sample's bpm:
// a reading holds until the next one replaces it, which is all a live screen
// can know when the newer sample arrives.
import type { Sex, ZoneRule } from '#contracts';
import { kcalPerMinute } from './energy.js';
import { pointsPerMinute } from './points.js';
import { zoneOf } from './zones.js';

/** A longer silence is a lost strap, not effort: it is not integrated. */
export const MAX_GAP_MS = 10_000;
/** Below this percent of max HR nothing counts. */
export const FLOOR_PCT_MAX = 50;
/** At or above this percent of max HR the time is high-intensity. */
export const HIGH_INTENSITY_PCT_MAX = 84;

const MS_PER_MINUTE = 60_000;

export type HeartRateSample = { ts: number; bpm: number };

/** What the totals depend on, as copied into the class at join (names as in participant-joined). */
export type EffortProfile = {
  maxHr: number;
  weightKg: number | null;
  sex: Sex;
  age: number | null;
  zoneThresholds: readonly number[];
  /** How the zones follow max HR when adaptive max raises it (see adaptive-max.ts). */
  zoneRule?: ZoneRule;
  restingHr?: number | null;
};

export type EffortState = {
  /** Timestamp and bpm of the newest sample taken in; null before the first. */
  lastTs: number | null;
  lastBpm: number | null;
  /** Null when the profile cannot give kcal (no weight or no age). */
  kcal: number | null;
  points: number;
  /** Time integrated, i.e. at or above the 50 % floor and not in a gap. */
  activeMs: number;
  highIntensityMs: number;
};

export function startEffort(profile: EffortProfile): EffortState {
  const kcalKnown = kcalPerMinute({ ...profile, bpm: profile.maxHr }) !== null;
  return {
    lastTs: null,
    lastBpm: null,
    kcal: kcalKnown ? 0 : null,
    points: 0,
    activeMs: 0,
    highIntensityMs: 0,
  };
}

/**
 * Takes in one sample; one not newer than the last (a duplicate or out of order) is ignored.
 * Written without spreads: a summary folds every sample of a class through it.
 */
export function accumulate(state: EffortState, sample: HeartRateSample, profile: EffortProfile): EffortState {
  const { lastTs, lastBpm } = state;
  if (lastTs !== null && sample.ts <= lastTs) return state;
  const next: EffortState = {
    lastTs: sample.ts,
    lastBpm: sample.bpm,
    kcal: state.kcal,
    points: state.points,
    activeMs: state.activeMs,
    highIntensityMs: state.highIntensityMs,
  };
  if (lastTs === null || lastBpm === null) return next;

  const counted = intervalEffort(lastBpm, sample.ts - lastTs, profile);
  if (counted === null) return next;
  if (counted.kcal !== null) next.kcal = (state.kcal ?? 0) + counted.kcal;
  next.points = state.points + counted.points;
  next.activeMs = state.activeMs + counted.activeMs;
  next.highIntensityMs = state.highIntensityMs + counted.highIntensityMs;
  return next;
}

/** What one interval adds to the totals; kcal null when the profile cannot give kcal. */
export type IntervalEffort = {
  kcal: number | null;
  points: number;
  activeMs: number;
  highIntensityMs: number;
};

/**
 * The interval from a reading of `bpm` to the next sample `intervalMs` later,
 * counted at that reading under `profile`; null when it counts nothing (a gap
 * over 10 s, or below the 50 % floor).
 */
export function intervalEffort(
  bpm: number,
  intervalMs: number,
  profile: EffortProfile,
): IntervalEffort | null {
  if (intervalMs > MAX_GAP_MS || bpm * 100 < profile.maxHr * FLOOR_PCT_MAX) return null;
  const minutes = intervalMs / MS_PER_MINUTE;
  const { weightKg, age, sex } = profile;
  const kcalRate = kcalPerMinute({ bpm, weightKg, age, sex });
  return {
    kcal: kcalRate === null ? null : kcalRate * minutes,
    points: pointsPerMinute(zoneOf(bpm, profile.zoneThresholds)) * minutes,
    activeMs: intervalMs,
    highIntensityMs: bpm * 100 >= profile.maxHr * HIGH_INTENSITY_PCT_MAX ? intervalMs : 0,
  };
}

/** Folds a series of samples, e.g. a finished class from the log. */
export function accumulateAll(
  samples: Iterable<HeartRateSample>,
  profile: EffortProfile,
  state: EffortState = startEffort(profile),
): EffortState {
  let totals = state;
  for (const sample of samples) totals = accumulate(totals, sample, profile);
  return totals;
}
