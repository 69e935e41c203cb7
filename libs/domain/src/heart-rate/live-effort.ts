// Live running totals that take in a late sample where it belongs in time,
// as the summary of the class does, instead of dropping it for being older
// than the newest. Samples reach the log out of time order when ingest
// crashes (its unacked messages come back after the ack wait, behind newer
// ones) or when two ingest instances append neighbouring messages: folded
// newest-only, the screen would miss those intervals for good and disagree
// with /summary.
//
// Each interval counts at its earlier reading (accumulator.ts), so a sample
// placed between two others only replaces the interval that spanned it with
// the two it makes. That needs the neighbours: the window keeps the samples
// recorded in the last LIVE_LATENESS_MS (by the log's clock, `recordedAt`:
// ingest's redelivery is late by that clock, whatever the samples' own
// times), at most LIVE_WINDOW_MAX of them: a few KB a live athlete. A sample
// whose place is before the window is still history (and counts in
// /summary); live it changes nothing, as a copy of a sample already taken
// does not.
import {
  intervalEffort,
  startEffort,
  type EffortProfile,
  type EffortState,
  type HeartRateSample,
} from './accumulator.js';
import { withMaxHr } from './adaptive-max.js';

/** How long after its neighbours were recorded a late sample still counts live: a redelivery after ingest's 30 s ack wait, with room. */
export const LIVE_LATENESS_MS = 90_000;
/** The most samples an athlete's window keeps (a gateway replaying faster than real time fills it first). */
export const LIVE_WINDOW_MAX = 1_000;

/** A sample taken in, with the profile (its max-HR stamp applied) that the interval after it counts under. */
interface Taken {
  ts: number;
  bpm: number;
  /** When the log recorded it (the event's `recordedAt`). */
  recordedAt: number;
  profile: EffortProfile;
}

export class LiveEffort {
  /** Totals so far; `lastTs`/`lastBpm` are the newest sample's. */
  effort: EffortState;
  /** Samples recorded in the last LIVE_LATENESS_MS, oldest first, plus the one just before (the interval into the window). */
  private readonly recent: Taken[] = [];
  /** Older samples were let go: a sample before the window can no longer be placed. */
  private trimmed = false;
  /** The latest `recordedAt` taken in: the window's clock. */
  private recordedUntil = 0;

  constructor(
    /** The profile copied at join: the first sample's interval counts under it until a stamp moves it. */
    private readonly joined: EffortProfile,
    private readonly latenessMs = LIVE_LATENESS_MS,
    private readonly maxKept = LIVE_WINDOW_MAX,
  ) {
    this.effort = startEffort(joined);
  }

  /** The profile the newest sample's interval counts under (its max-HR stamp applied). */
  get profile(): EffortProfile {
    return this.recent[this.recent.length - 1]?.profile ?? this.joined;
  }

  /**
   * Takes in a sample at its place in time; false when it changes nothing (a
   * copy of a sample already taken, or later than the window allows).
   */
  take(sample: HeartRateSample & { maxHr?: number | null }, recordedAt: number): boolean {
    const at = this.placeOf(sample.ts);
    if (at === null) return false;
    const before = this.recent[at - 1];
    const after = this.recent[at];
    const base = before?.profile ?? this.joined;
    const profile = withMaxHr(base, sample.maxHr ?? base.maxHr);
    const taken: Taken = { ts: sample.ts, bpm: sample.bpm, recordedAt, profile };
    if (before !== undefined && after !== undefined) this.count(before, after.ts, -1);
    if (before !== undefined) this.count(before, taken.ts, 1);
    if (after !== undefined) this.count(taken, after.ts, 1);
    this.recent.splice(at, 0, taken);
    if (after === undefined) {
      this.effort.lastTs = taken.ts;
      this.effort.lastBpm = taken.bpm;
    }
    this.recordedUntil = Math.max(this.recordedUntil, recordedAt);
    this.trim();
    return true;
  }

  /** Index the sample goes to in `recent`, or null when it must not be taken. */
  private placeOf(ts: number): number | null {
    const recent = this.recent;
    const newest = recent[recent.length - 1];
    if (newest === undefined || ts > newest.ts) return recent.length;
    let low = 0;
    let high = recent.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((recent[middle]?.ts ?? Infinity) < ts) low = middle + 1;
      else high = middle;
    }
    if (recent[low]?.ts === ts) return null;
    // Before the oldest kept sample: only placeable while nothing older was let go.
    if (low === 0 && this.trimmed) return null;
    return low;
  }

  private count(from: Taken, toTs: number, sign: 1 | -1): void {
    const counted = intervalEffort(from.bpm, toTs - from.ts, from.profile);
    if (counted === null) return;
    const effort = this.effort;
    if (counted.kcal !== null) effort.kcal = (effort.kcal ?? 0) + sign * counted.kcal;
    effort.points += sign * counted.points;
    effort.activeMs += sign * counted.activeMs;
    effort.highIntensityMs += sign * counted.highIntensityMs;
  }

  /**
   * Lets go of the oldest samples while the one after them was recorded before
   * the window too (the last of those stays: the window's first interval starts
   * at it), and of any beyond LIVE_WINDOW_MAX.
   */
  private trim(): void {
    const recent = this.recent;
    const from = this.recordedUntil - this.latenessMs;
    let drop = 0;
    while (
      drop < recent.length - 1 &&
      (recent.length - drop > this.maxKept || (recent[drop + 1]?.recordedAt ?? Infinity) <= from)
    )
      drop++;
    if (drop === 0) return;
    recent.splice(0, drop);
    this.trimmed = true;
  }
}
