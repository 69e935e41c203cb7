import { describe, expect, it } from '@jest/globals';
import { judgeStep, secondHalf, slopePerS, stepRates, type BacklogPoint } from './sustain.js';

const flat = (samples: number): BacklogPoint[] =>
  Array.from({ length: 11 }, (_, second) => ({ atMs: second * 1000, samples }));

const clean = { targetPerS: 10_000, publishedPerS: 10_000, published: 500, stored: 500, distinct: 500 };

describe('a throughput step', () => {
  it('is sustained when the rate was kept, the backlog held and history has each sample once', () => {
    expect(judgeStep({ ...clean, backlog: flat(3000) })).toEqual({
      sustained: true,
      growthPerS: 0,
      reasons: [],
    });
  });

  it('forgives a backlog that grew while queues filled, in the first half only', () => {
    const backlog = flat(3000).map((p) => (p.atMs < 5000 ? { ...p, samples: p.atMs } : p));
    expect(judgeStep({ ...clean, backlog }).sustained).toBe(true);
  });

  it('is not sustained when the backlog keeps growing beyond the tolerance', () => {
    const backlog = flat(0).map((p) => ({ ...p, samples: p.atMs * 3 })); // 3000 samples/s
    expect(judgeStep({ ...clean, backlog })).toEqual({
      sustained: false,
      growthPerS: 3000,
      reasons: ['backlog grew 3000 samples/s over the second half of the hold'],
    });
    // 1 % of the rate is within the default 2 %.
    const slow = flat(20_000).map((p) => ({ ...p, samples: p.samples + p.atMs / 10 }));
    expect(judgeStep({ ...clean, backlog: slow }).sustained).toBe(true);
  });

  it('takes the sawtooth of what is in flight (under a second of samples over the half) for no growth', () => {
    // Batches of 4000 drained every 2 s; the last point catches the saw at its top.
    const saw = flat(0).map((p) => ({ ...p, samples: (p.atMs % 2000) * 2 + (p.atMs === 10_000 ? 4000 : 0) }));
    const verdict = judgeStep({ ...clean, backlog: saw });
    expect(verdict.growthPerS).toBeGreaterThan(200);
    expect(verdict.sustained).toBe(true);
    const strict = { tolerance: 0.02, minPublishedFraction: 0.95, inFlightS: 0.1 };
    expect(judgeStep({ ...clean, backlog: saw }, strict)).toMatchObject({ sustained: false });
  });

  it('is not sustained when the generator fell short or history lost or doubled samples', () => {
    const verdict = judgeStep({
      ...clean,
      publishedPerS: 9000,
      stored: 499,
      distinct: 498,
      backlog: flat(0),
    });
    expect(verdict.reasons).toEqual([
      'published 9000/s of 10000/s',
      'history holds 499 samples of 500 published',
      '1 duplicate samples in history',
    ]);
  });
});

describe('backlog arithmetic', () => {
  it('fits a slope per second and keeps the second half of the points', () => {
    expect(
      slopePerS([
        { atMs: 0, samples: 10 },
        { atMs: 2000, samples: 30 },
      ]),
    ).toBe(10);
    expect(slopePerS([{ atMs: 0, samples: 10 }])).toBe(0);
    expect(secondHalf(flat(1)).map((p) => p.atMs)).toEqual([5000, 6000, 7000, 8000, 9000, 10000]);
  });

  it('lists the step rates up to the maximum', () => {
    expect(stepRates(2000, 2000, 7000)).toEqual([2000, 4000, 6000]);
  });
});
