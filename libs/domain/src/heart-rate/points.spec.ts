import { describe, expect, it } from '@jest/globals';
import { pointsPerMinute } from './points.js';

describe('pointsPerMinute', () => {
  it('gives 0, 1, 2, 3, 4, 4 points a minute in zones 0..5', () => {
    expect([0, 1, 2, 3, 4, 5].map(pointsPerMinute)).toEqual([0, 1, 2, 3, 4, 4]);
  });

  it('gives nothing outside the zones', () => {
    expect(pointsPerMinute(6)).toBe(0);
    expect(pointsPerMinute(-1)).toBe(0);
  });
});
