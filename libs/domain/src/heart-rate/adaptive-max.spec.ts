import { describe, expect, it } from '@jest/globals';
import {
  applyMaxHrRaise,
  observeMaxHr,
  thresholdsForMax,
  watchMaxHr,
  type MaxHrWatch,
} from './adaptive-max.js';

/** Feeds [second, bpm] samples; returns the raises as [second, new max]. */
function raisesOf(maxHr: number, samples: Array<[second: number, bpm: number]>) {
  let watch: MaxHrWatch = watchMaxHr(maxHr);
  const raises: Array<[number, number]> = [];
  for (const [second, bpm] of samples) {
    const seen = observeMaxHr(watch, { ts: second * 1000, bpm });
    watch = seen.watch;
    if (seen.raisedTo !== null) raises.push([second, seen.raisedTo]);
  }
  return { raises, watch };
}

const every5s = (from: number, bpms: number[]): Array<[number, number]> =>
  bpms.map((bpm, index) => [from + index * 5, bpm]);

describe('adaptive max HR', () => {
  it('raises max 180 by the lowest excess of 30 s above it: 186 at the sample that completes the 30 s', () => {
    // Above 180 from 30 s: 186, 190, 188, 187, 189, 190, 188 — at 60 s the run is 30 s long;
    // its lowest reading is 186, so the excess is 6.
    const { raises, watch } = raisesOf(180, [
      ...every5s(0, [170, 175, 178, 180, 176, 179]),
      ...every5s(30, [186, 190, 188, 187, 189, 190, 188]),
      ...every5s(65, [185, 185]),
    ]);
    expect(raises).toEqual([[60, 186]]);
    expect(watch.maxHr).toBe(186);
  });

  it('raises at most 10 bpm a step, and keeps raising while the athlete stays above the new max', () => {
    // 205 against 180: +10 at 30 s (190), then a new run against 190 gives +10 at 60 s (200),
    // then +5 at 90 s (205), and 205 is not above 205.
    const { raises } = raisesOf(
      180,
      every5s(
        0,
        Array.from({ length: 25 }, () => 205),
      ),
    );
    expect(raises).toEqual([
      [30, 190],
      [60, 200],
      [90, 205],
    ]);
  });

  it('starts the run over after a reading at or below max, a missing reading, or a gap over 10 s', () => {
    const dip = raisesOf(180, [
      ...every5s(0, [185, 185, 185, 180]),
      ...every5s(20, [185, 185, 185, 185, 185]),
    ]);
    expect(dip.raises).toEqual([]);
    const noReading = raisesOf(180, [...every5s(0, [185, 185, 185, 0]), ...every5s(20, [185, 185, 185])]);
    expect(noReading.raises).toEqual([]);
    // 25 s, then 11 s of silence, then 25 s: two runs of 25 s, neither 30 s long.
    const gap = raisesOf(180, [
      ...every5s(0, [185, 185, 185, 185, 185, 185]),
      ...every5s(36, [185, 185, 185, 185, 185, 185]),
    ]);
    expect(gap.raises).toEqual([]);
    // A 10 s gap does not break it (the same rule as energy).
    const tenSeconds = raisesOf(180, [
      [0, 185],
      [10, 185],
      [20, 185],
      [30, 185],
    ]);
    expect(tenSeconds.raises).toEqual([[30, 185]]);
  });

  it('ignores samples older than the newest it took in', () => {
    const { raises } = raisesOf(180, [
      [0, 185],
      [10, 185],
      [5, 100],
      [20, 185],
      [30, 185],
    ]);
    expect(raises).toEqual([[30, 185]]);
  });

  it('moves zones by the class rule: percent-max and Karvonen, or in proportion without a rule', () => {
    const joined = { maxHr: 180, zoneThresholds: [90, 108, 126, 144, 162], restingHr: 60 };
    expect(
      thresholdsForMax({ ...joined, zoneRule: { basis: 'max', percentages: [50, 60, 70, 80, 90] } }, 186),
    ).toEqual([93, 112, 130, 149, 167]);
    // Karvonen, rest 60, max 190: 60 + 130·p → 125, 138, 151, 164, 177.
    expect(
      thresholdsForMax({ ...joined, zoneRule: { basis: 'reserve', percentages: [50, 60, 70, 80, 90] } }, 190),
    ).toEqual([125, 138, 151, 164, 177]);
    expect(thresholdsForMax(joined, 200)).toEqual([100, 120, 140, 160, 180]);
  });

  it('applies a raise only from the max it was raised from (a second raise of one run is no change)', () => {
    const participant = { maxHr: 180, zoneThresholds: [90, 108, 126, 144, 162] };
    const raise = { previousMaxHr: 180, maxHr: 186, zoneThresholds: [93, 112, 130, 149, 167] };
    const raised = applyMaxHrRaise(participant, raise);
    expect(raised).toEqual({ maxHr: 186, zoneThresholds: [93, 112, 130, 149, 167] });
    expect(applyMaxHrRaise(raised, { ...raise, maxHr: 188 })).toBe(raised);
  });
});
