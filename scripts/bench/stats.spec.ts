import { describe, expect, it } from '@jest/globals';
import { delaySummary, fraction, median, percentile, ratio, timing } from './stats.js';

describe('bench statistics', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 100)).toBe(20);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 95)).toBe(7);
  });

  it('gives the ratio of medians against the baseline', () => {
    expect(ratio(timing([10, 12, 11]), timing([2, 2, 3]))).toBe(5.5);
  });

  it('summarises delays as whole-ms percentiles and the max', () => {
    const delays = Array.from({ length: 200 }, (_, i) => 200 - i + 0.4);
    expect(delaySummary(delays)).toEqual({ p50: 100, p95: 190, p99: 198, max: 200, samples: 200 });
    expect(delaySummary([]).samples).toBe(0);
  });

  it('gives a fraction to three decimals, or none without a positive whole', () => {
    expect(fraction(1, 3)).toBe(0.333);
    expect(fraction(5, 0)).toBeNull();
    expect(fraction(Number.NaN, 2)).toBeNull();
  });
});
