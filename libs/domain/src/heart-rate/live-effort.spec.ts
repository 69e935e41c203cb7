import { describe, expect, it } from '@jest/globals';
import { accumulateAll, type EffortProfile } from './accumulator.js';
import { LIVE_LATENESS_MS, LIVE_WINDOW_MAX, LiveEffort } from './live-effort.js';
import { summarizeEffort } from './summary.js';

// Male, 80 kg, 35 y, max 180, zones by rule so a raised max moves them.
const joined: EffortProfile = {
  maxHr: 180,
  weightKg: 80,
  sex: 'male',
  age: 35,
  zoneThresholds: [90, 108, 126, 144, 162],
  zoneRule: { basis: 'max', percentages: [50, 60, 70, 80, 90] },
};

type Sample = { ts: number; bpm: number; maxHr: number };

/** A minute of one sample a second, with a gap of 15 s and a max raised to 186 at 40 s. */
const minute: Sample[] = Array.from({ length: 60 }, (_, second) => second)
  .filter((second) => second < 20 || second >= 35)
  .map((second) => ({
    ts: 1_000_000 + second * 1000,
    bpm: 120 + ((second * 7) % 60),
    maxHr: second >= 40 ? 186 : 180,
  }));

/** A seeded shuffle: the same order on every run. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let index = out.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [out[index], out[other]] = [out[other] as T, out[index] as T];
  }
  return out;
}

/** When the log recorded the shuffled samples: arrival order, a second apart. */
const T_REC = 2_000_000;

const totalsOf = (live: LiveEffort) => ({
  kcal: live.effort.kcal,
  points: live.effort.points,
  activeMs: live.effort.activeMs,
  highIntensityMs: live.effort.highIntensityMs,
});

const summaryTotals = (samples: Sample[]) => {
  const summary = summarizeEffort(
    [...samples].sort((a, b) => a.ts - b.ts),
    joined,
  );
  return {
    kcal: summary.kcal,
    points: summary.points,
    activeMs: summary.activeMs,
    highIntensityMs: summary.highIntensityMs,
  };
};

function closeTo(actual: ReturnType<typeof totalsOf>, expected: ReturnType<typeof totalsOf>) {
  expect(actual.kcal).toBeCloseTo(expected.kcal ?? Number.NaN, 9);
  expect(actual.points).toBeCloseTo(expected.points, 9);
  expect(actual.activeMs).toBeCloseTo(expected.activeMs, 6);
  expect(actual.highIntensityMs).toBeCloseTo(expected.highIntensityMs, 6);
}

describe('live totals with late samples', () => {
  it('in time order, gives what the newest-only fold gives', () => {
    const live = new LiveEffort(joined);
    for (const sample of minute) expect(live.take(sample, sample.ts)).toBe(true);
    const plain = accumulateAll(minute.slice(0, 25), joined); // before the raise, one profile throughout
    const early = new LiveEffort(joined);
    for (const sample of minute.slice(0, 25)) early.take(sample, sample.ts);
    expect(totalsOf(early)).toEqual({
      kcal: plain.kcal,
      points: plain.points,
      activeMs: plain.activeMs,
      highIntensityMs: plain.highIntensityMs,
    });
    closeTo(totalsOf(live), summaryTotals(minute));
  });

  it('in any order within the window, gives the totals of the summary (samples in time order)', () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const live = new LiveEffort(joined);
      // Recorded as they arrive, a second apart.
      for (const [index, sample] of shuffled(minute, seed).entries()) live.take(sample, T_REC + index * 1000);
      closeTo(totalsOf(live), summaryTotals(minute));
      expect(live.effort.lastTs).toBe(minute[minute.length - 1]?.ts);
    }
  });

  it('a crash window arriving after newer samples (ingest redelivering after its ack wait) counts in full', () => {
    // 12 s of samples: newest-only, the hole is a gap over 10 s and counts nothing.
    const late = minute.filter((sample) => sample.ts >= 1_040_000 && sample.ts < 1_052_000);
    const live = new LiveEffort(joined);
    for (const sample of minute) if (!late.includes(sample)) live.take(sample, sample.ts);
    const beforeLate = live.effort.points;
    // Redelivered 30 s after the last of the others was recorded.
    for (const sample of late) expect(live.take(sample, 1_089_000)).toBe(true);
    expect(live.effort.points).toBeGreaterThan(beforeLate);
    closeTo(totalsOf(live), summaryTotals(minute));
  });

  it('takes a copy of a sample once: the first copy wins', () => {
    const live = new LiveEffort(joined);
    for (const sample of minute) live.take(sample, sample.ts);
    const before = totalsOf(live);
    const copy = minute[10];
    if (copy === undefined) throw new Error('fixture');
    expect(live.take({ ...copy, bpm: 200 }, 1_060_000)).toBe(false);
    expect(totalsOf(live)).toEqual(before);
  });

  it('leaves a sample later than the window to history: it changes nothing live', () => {
    const live = new LiveEffort(joined);
    const start = 5_000_000;
    for (let second = 0; second <= 200; second++) {
      const ts = start + second * 1000;
      live.take({ ts, bpm: 150 }, ts);
    }
    const before = totalsOf(live);
    const now = start + 200_000;
    // Its neighbours were recorded more than the window ago (the first sample, or 95 s before the newest).
    expect(live.take({ ts: start - 1000, bpm: 150 }, now)).toBe(false);
    expect(live.take({ ts: now - LIVE_LATENESS_MS - 5_500, bpm: 150 }, now)).toBe(false);
    expect(totalsOf(live)).toEqual(before);
    // Inside the window: placed, and the interval it splits is counted again at its reading.
    expect(live.take({ ts: start + 150_500, bpm: 100 }, now)).toBe(true);
    expect(live.effort.points).toBeLessThan(before.points);
  });

  it('places a sample before the first one while nothing was let go', () => {
    const live = new LiveEffort(joined);
    const [first, ...rest] = minute;
    if (first === undefined) throw new Error('fixture');
    for (const sample of rest) live.take(sample, sample.ts);
    expect(live.take(first, 1_060_000)).toBe(true);
    closeTo(totalsOf(live), summaryTotals(minute));
  });

  it('keeps a window by when samples were recorded: a gateway replaying faster than real time (a test, a buffer) stays exact up to its cap', () => {
    // 400 s of samples recorded within 4 s; the crash window of 20 s comes back 2 s later.
    const fast: Sample[] = Array.from({ length: 400 }, (_, second) => ({
      ts: 3_000_000 + second * 1000,
      bpm: 110 + ((second * 13) % 70),
      maxHr: 180,
    }));
    const late = fast.slice(100, 120);
    const live = new LiveEffort(joined);
    for (const [index, sample] of fast.entries())
      if (!late.includes(sample)) live.take(sample, 9_000_000 + index * 10);
    for (const sample of late) expect(live.take(sample, 9_006_000)).toBe(true);
    closeTo(totalsOf(live), summaryTotals(fast));

    // Past the cap, the oldest go: a sample before them changes nothing.
    const capped = new LiveEffort(joined, LIVE_LATENESS_MS, 100);
    for (const [index, sample] of fast.entries())
      if (!late.includes(sample)) capped.take(sample, 9_000_000 + index * 10);
    expect(capped.take(late[0] ?? fast[0] ?? { ts: 0, bpm: 0 }, 9_006_000)).toBe(false);
    expect(LIVE_WINDOW_MAX).toBeGreaterThanOrEqual(400);
  });
});
