import { describe, expect, it } from '@jest/globals';
import { fullBucket, take, type RateLimit } from './rate-limit.js';

const limit: RateLimit = { burst: 5, perSecond: 2, disconnectAfter: 3 };

describe('token bucket per socket', () => {
  it('lets a burst through, then refuses, then asks to disconnect a client that keeps flooding', () => {
    const bucket = fullBucket(limit, 0);
    const verdicts = Array.from({ length: 8 }, () => take(bucket, limit, 0));
    expect(verdicts).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'refuse', 'refuse', 'disconnect']);
  });

  it('refills at its rate, never above the burst, and forgives refusals once a request passes', () => {
    const bucket = fullBucket(limit, 0);
    for (let i = 0; i < 5; i++) take(bucket, limit, 0);
    expect(take(bucket, limit, 0)).toBe('refuse');
    expect(take(bucket, limit, 499)).toBe('refuse');
    expect(take(bucket, limit, 500)).toBe('pass'); // 1 s at 2/s refilled one token by now
    expect(bucket.refused).toBe(0);
    take(bucket, limit, 60_000);
    expect(bucket.tokens).toBe(4); // capped at the burst of 5, minus the one just taken
  });

  it('lets a steady client at the refill rate through forever', () => {
    const bucket = fullBucket(limit, 0);
    for (let t = 0; t < 100_000; t += 500) expect(take(bucket, limit, t)).toBe('pass');
  });
});
