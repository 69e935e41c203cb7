import { describe, expect, it } from '@jest/globals';
import { median, percentile, ratio, timing } from './stats.js';

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
});
