// A token bucket per socket: a client may burst a little, then gets
// `rate-limited` acks, and one that keeps flooding is disconnected. Two
// numbers and a counter per socket, refilled lazily (no timer per socket).

export interface RateLimit {
  /** Requests a client may send at once. */
  burst: number;
  /** Requests per second refilled. */
  perSecond: number;
  /** Refused requests in a row after which the socket is disconnected. */
  disconnectAfter: number;
}

export interface Bucket {
  tokens: number;
  refilledAt: number;
  /** Requests refused since the last one let through. */
  refused: number;
}

export const fullBucket = (limit: RateLimit, now: number): Bucket => ({
  tokens: limit.burst,
  refilledAt: now,
  refused: 0,
});

/** `pass`: handle it; `refuse`: answer rate-limited; `disconnect`: the client keeps flooding. */
export type Verdict = 'pass' | 'refuse' | 'disconnect';

/** Takes one token from the bucket (mutated in place: it is the socket's own). */
export function take(bucket: Bucket, limit: RateLimit, now: number): Verdict {
  const elapsed = Math.max(0, now - bucket.refilledAt);
  bucket.tokens = Math.min(limit.burst, bucket.tokens + (elapsed * limit.perSecond) / 1000);
  bucket.refilledAt = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    bucket.refused = 0;
    return 'pass';
  }
  bucket.refused += 1;
  return bucket.refused >= limit.disconnectAfter ? 'disconnect' : 'refuse';
}
