// Month partitions are named and bounded only where both the name and the DDL
// can say the month: years 1 to 9999. Any other time has no month partition.
import { describe, expect, it } from '@jest/globals';
import { boundLiteral, monthPartition, monthPartitionsOf } from './hr-sample-partitions.js';

const described = (at: Date) => {
  const partition = monthPartition(at);
  return partition && [partition.name, partition.from.toISOString(), partition.to.toISOString()];
};

describe('month partitions', () => {
  it('bounds the last month a partition covers by the start of year 10000', () => {
    expect(described(new Date('9999-12-31T23:59:59.999Z'))).toEqual([
      'hr_samples_p999912',
      '9999-12-01T00:00:00.000Z',
      '+010000-01-01T00:00:00.000Z',
    ]);
    const december = monthPartition(new Date('9999-12-31T23:59:59.999Z'));
    expect(december && [boundLiteral(december.from), boundLiteral(december.to)]).toEqual([
      '9999-12-01 00:00:00+00',
      '10000-01-01 00:00:00+00',
    ]);
  });

  it.each([
    ['the year 10000', new Date(Date.UTC(10000, 0, 1))],
    ['the largest epoch ms a Date holds', new Date(8.64e15)],
    ['an epoch ms past what a Date holds (an invalid Date)', new Date(9_007_199_254_740_991)],
    ['before year 1', new Date('0000-12-31T23:59:59.999Z')],
  ])('gives no month partition to %s', (_label, at) => {
    expect(monthPartition(at)).toBeNull();
  });

  it('takes years 1 to 99 as they are, not as 1901 to 1999', () => {
    expect(described(new Date('0001-01-15T00:00:00Z'))).toEqual([
      'hr_samples_p000101',
      '0001-01-01T00:00:00.000Z',
      '0001-02-01T00:00:00.000Z',
    ]);
  });

  it('leaves the months no partition covers out of a batch', () => {
    const months = monthPartitionsOf([new Date(Date.UTC(2027, 0, 5)), new Date(Date.UTC(10000, 0, 1))]);
    expect(months.map((month) => month.name)).toEqual(['hr_samples_p202701']);
  });
});
