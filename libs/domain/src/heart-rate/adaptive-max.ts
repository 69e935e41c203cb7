// Adaptive max HR (docs/domain.md): an athlete who stays above their max HR for
// 30 s in a row has a higher max than the one assumed. The max is raised by
// the excess they sustained (the lowest reading of those 30 s above the max),
// at most 10 bpm a step, and zones follow the new max from then on.
//
// Ingest folds each class's stored samples in the order of the gateway
// messages they came in (apps/ingest/src/max-hr-fold.ts), so every instance
// decides the same raises, and appends `session.max-hr-raised`; the samples it
// records after reading the raise back carry the new max. Everyone else follows
// the samples' max (the live totals and the summary fold the same samples with
// the same max) and the event (roster, alerts, history).
import type { ZoneRule } from '#contracts';
import { MAX_GAP_MS, type EffortProfile } from './accumulator.js';
import { thresholdsOf } from './zones.js';

/** How long an athlete must stay above max HR before it is raised. */
export const ADAPTIVE_MAX_AFTER_MS = 30_000;
/** The most one raise adds. */
export const ADAPTIVE_MAX_STEP_BPM = 10;

export type MaxHrWatch = {
  maxHr: number;
  /** Timestamp of the first sample of the current run above max; null when not above. */
  since: number | null;
  /** Lowest reading of the current run above max. */
  lowest: number;
  lastTs: number | null;
};

export const watchMaxHr = (maxHr: number): MaxHrWatch => ({ maxHr, since: null, lowest: 0, lastTs: null });

/**
 * Takes in one sample. `raisedTo` is the new max when this sample completes
 * 30 s above max; the run then starts over against the new max (from this
 * sample when it is above that too). A run is
 * broken by a reading at or below max (a "no reading" 0 included) and by a
 * gap over 10 s, as energy is; an older sample than the last is ignored.
 */
export function observeMaxHr(
  watch: MaxHrWatch,
  sample: { ts: number; bpm: number },
): { watch: MaxHrWatch; raisedTo: number | null } {
  if (watch.lastTs !== null && sample.ts <= watch.lastTs) return { watch, raisedTo: null };
  if (sample.bpm <= watch.maxHr) {
    return { watch: { ...watch, since: null, lowest: 0, lastTs: sample.ts }, raisedTo: null };
  }
  const continues = watch.since !== null && watch.lastTs !== null && sample.ts - watch.lastTs <= MAX_GAP_MS;
  const since = continues && watch.since !== null ? watch.since : sample.ts;
  const lowest = continues ? Math.min(watch.lowest, sample.bpm) : sample.bpm;
  if (sample.ts - since < ADAPTIVE_MAX_AFTER_MS) {
    return { watch: { ...watch, since, lowest, lastTs: sample.ts }, raisedTo: null };
  }
  const raisedTo = watch.maxHr + Math.min(lowest - watch.maxHr, ADAPTIVE_MAX_STEP_BPM);
  // A reading still above the new max opens the next run.
  const above = sample.bpm > raisedTo;
  return {
    watch: {
      maxHr: raisedTo,
      since: above ? sample.ts : null,
      lowest: above ? sample.bpm : 0,
      lastTs: sample.ts,
    },
    raisedTo,
  };
}

/** What the zones become under a new max: by the class's zone rule, else scaled with the max. */
export function thresholdsForMax(
  profile: {
    maxHr: number;
    zoneThresholds: readonly number[];
    zoneRule?: ZoneRule;
    restingHr?: number | null;
  },
  maxHr: number,
): number[] {
  if (profile.zoneRule !== undefined) return thresholdsOf(profile.zoneRule, maxHr, profile.restingHr);
  return profile.zoneThresholds.map((threshold) => Math.round((threshold * maxHr) / profile.maxHr));
}

/** The profile under another max HR (the same object when it is the same max). */
export function withMaxHr(profile: EffortProfile, maxHr: number): EffortProfile {
  if (maxHr === profile.maxHr) return profile;
  return { ...profile, maxHr, zoneThresholds: thresholdsForMax(profile, maxHr) };
}

/**
 * A raise applied to a participant's copy of max HR and zones. It applies only
 * to the max it was raised from: a second raise of the same run (two ingest
 * instances saw it) changes nothing.
 */
export function applyMaxHrRaise<P extends { maxHr: number; zoneThresholds: number[] }>(
  participant: P,
  raise: { previousMaxHr: number; maxHr: number; zoneThresholds: number[] },
): P {
  if (raise.previousMaxHr !== participant.maxHr || raise.maxHr <= participant.maxHr) return participant;
  return { ...participant, maxHr: raise.maxHr, zoneThresholds: raise.zoneThresholds };
}
