import { describe, expect, it } from '@jest/globals';
import { valuesFlowingAfter } from './flow.js';

// One look a second; `lag` is how far behind the clock the newest value shown was.
const looks = (lags: number[]) =>
  lags.map((lag, index) => ({ at: 10_000 + index * 1000, newestTs: 10_000 + index * 1000 - lag }));

describe('valuesFlowingAfter', () => {
  it('is the start of the last stretch without a stale look', () => {
    expect(valuesFlowingAfter(looks([9000, 9000, 500, 500, 500]), 10_000, 14_000)).toBe(2000);
  });

  it('does not take a fresh frame followed by a stall for recovery', () => {
    expect(valuesFlowingAfter(looks([9000, 500, 9000, 9000, 500, 500]), 10_000, 15_000)).toBe(4000);
  });

  it('is null when the screen is still stale at the end', () => {
    expect(valuesFlowingAfter(looks([500, 500, 9000]), 10_000, 12_000)).toBeNull();
  });
});
