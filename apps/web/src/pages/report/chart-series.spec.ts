import { describe, expect, it } from '@jest/globals';
import { bpmRange, chartSeries, secondsRange } from './chart-series.js';
import { bucketFor } from './load-report.js';

const start = 1_000_000;
const point = (second: number, bpm: number) => ({ t: start + second * 1000, bpm, zone: 3 });

describe("an athlete's curve in the report", () => {
  it('counts seconds from the class start and breaks the line where the strap was silent over 10 s', () => {
    const series = chartSeries(
      [point(0, 120), point(1, 121), point(2, 0), point(30, 140), point(31, 141)],
      start,
      1000,
    );
    // The 0 bpm reading is no reading; 1 s -> 30 s is a silence: a null between.
    expect(series.seconds).toEqual([0, 1, 15.5, 30, 31]);
    expect(series.bpm).toEqual([120, 121, null, 140, 141]);
    expect(series.drawn).toBe(4);
  });

  it('does not break buckets that are simply wide', () => {
    const series = chartSeries([point(0, 120), point(30, 130), point(60, 125)], start, 30_000);
    expect(series.bpm).toEqual([120, 130, 125]);
  });

  it('spans the whole class on the time axis, and all zones and readings on the bpm axis', () => {
    const series = chartSeries([point(10, 130), point(20, 185)], start, 1000);
    expect(secondsRange([series], 600)).toEqual([0, 600]);
    expect(secondsRange([series], 0)).toEqual([0, 20]);
    expect(bpmRange(series, [95, 114, 133, 152, 171], 190)).toEqual([80, 200]);
  });

  it('picks a bucket that keeps a curve under about a thousand points', () => {
    expect(bucketFor(10 * 60_000)).toBe('1s');
    expect(bucketFor(60 * 60_000)).toBe('5s');
    expect(bucketFor(3 * 3_600_000)).toBe('30s');
    expect(bucketFor(10 * 3_600_000)).toBe('60s');
  });
});
