// Public contract 3, for the platform operator: events a projection parked
// because it could not apply them, and their replay (docs/contracts/rest.md).
import { z } from 'zod';
import { epochMs } from './common.js';
import { queryInt } from './history.js';

/** A parked event's id: a whole number, digits only. */
export const projectionFailureId = queryInt.pipe(z.int().positive());

export const projectionFailuresQuery = z.strictObject({
  limit: queryInt.pipe(z.int().min(1).max(200)).default(50),
  /** The `next` of the previous page: only failures with a smaller id. */
  before: projectionFailureId.optional(),
  /** `parked` (the default): not yet replayed; `resolved`: replayed; `all`. */
  state: z.enum(['parked', 'resolved', 'all']).default('parked'),
});
export type ProjectionFailuresQuery = z.infer<typeof projectionFailuresQuery>;

export const projectionFailure = z.object({
  id: z.int().positive(),
  /** The projection's checkpoint name, e.g. `api-heart-rate`. */
  projection: z.string(),
  stream: z.string(),
  /** The event's sequence in `stream`: a replay reads it again from there. */
  seq: z.int().positive(),
  subject: z.string(),
  error: z.object({
    /** Postgres's SQLSTATE (e.g. `22009`), `invalid-event` for an event that does not parse, or null. */
    code: z.string().nullable(),
    message: z.string(),
  }),
  attempts: z.int().positive(),
  parkedAt: epochMs,
  /** When a replay applied it; null while it is parked. */
  resolvedAt: epochMs.nullable(),
});
export type ProjectionFailureView = z.infer<typeof projectionFailure>;

export const projectionFailureList = z.object({
  /** Newest first. */
  failures: z.array(projectionFailure),
  /** Pass as `before` for the next page; null on the last one. */
  next: z.int().positive().nullable(),
});
export type ProjectionFailureList = z.infer<typeof projectionFailureList>;
