// The index of classes that services rebuild at start (docs/architecture.md,
// "Starting from what is live"): a NATS KV bucket with one key per class that
// is scheduled, live, or ended within the horizon. Whoever appends a class's
// lifecycle events writes its entry in the same step: before appending
// `session.scheduled`, after appending `session.started` and `session.ended`.
// So the index never says a class is further on than it is, and every class
// that is open in the log has an entry: a reader may load a class it did not
// need, never miss one. Entries of classes ended longer ago than the horizon
// are purged (no tombstone is left, so the bucket stays the size of what is live).
import { z } from 'zod';
import { entityId, epochMs } from './common.js';

export const classIndexBucket = {
  name: 'hrm_classes',
  /** Key of the marker saying the index holds every class of the log (written once, after a backfill). */
  builtKey: 'meta.built',
  /** Prefix of a class's key: `class.<sessionId>`. */
  classPrefix: 'class.',
  /**
   * How long an ended class keeps its entry: as long as a gateway may deliver a
   * sample of it (the ingress stream's retention, `GATEWAY_MAX_AGE_MS`).
   */
  endedHorizonMs: 24 * 3600 * 1000,
} as const;

export const classIndexKey = (sessionId: string) => `${classIndexBucket.classPrefix}${sessionId}`;

export const classIndexEntry = z.strictObject({
  sessionId: entityId,
  studioId: entityId,
  status: z.enum(['scheduled', 'live', 'ended']),
  startsAt: epochMs.nullable(),
  startedAt: epochMs.nullable(),
  endedAt: epochMs.nullable(),
});
export type ClassIndexEntry = z.infer<typeof classIndexEntry>;

export const classIndexBuilt = z.strictObject({
  /** EVENTS stream sequence the backfill read through. */
  throughSeq: z.int().nonnegative(),
  builtAt: epochMs,
});
