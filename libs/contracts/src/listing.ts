// Public contract 3: listing classes (`GET /sessions`, `GET /members/:id/sessions`)
// and changing an athlete (`PATCH /members/:id`).
import { z } from 'zod';
import { entityId, epochMs } from './common.js';
import { sessionStatus } from './live.js';
import { createMemberBody, sessionView } from './rest.js';

/** An opaque page cursor as it travels in a URL: base64url, nothing else. */
export const pageCursor = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor this API returned');

/** What a cursor holds: the sort key of the last row of the page (newest first, then id). */
export const sessionCursorKey = z.strictObject({ createdAt: epochMs, id: entityId });
export type SessionCursorKey = z.infer<typeof sessionCursorKey>;

/** Query strings arrive as text: a whole number 1..100, 20 when absent. */
const pageLimit = z
  .string()
  .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
  .transform(Number)
  .pipe(z.int().min(1).max(100))
  .default(20);

const isoInstant = z.iso.datetime({ offset: true }).transform((value) => Date.parse(value));

export const listSessionsQuery = z
  .strictObject({
    studioId: entityId.optional(),
    /** On the class's start time: when it started, else when it is scheduled to, else when it was created. */
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    status: sessionStatus.optional(),
    limit: pageLimit,
    cursor: pageCursor.optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, {
    message: 'must not be before from',
    path: ['to'],
  });
export type ListSessionsQuery = z.infer<typeof listSessionsQuery>;

export const memberSessionsQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
});
export type MemberSessionsQuery = z.infer<typeof memberSessionsQuery>;

/** A class in a list: its view without the roster, with the number of athletes in it. */
export const sessionListItem = sessionView
  .omit({ participants: true })
  .extend({ participantCount: z.int().nonnegative() });
export type SessionListItem = z.infer<typeof sessionListItem>;

export const sessionPage = z.object({
  sessions: z.array(sessionListItem),
  /** The cursor for the next page, or null on the last one. */
  next: pageCursor.nullable(),
});
export type SessionPage = z.infer<typeof sessionPage>;

/** An athlete's heart rate in one class; bpm statistics leave out samples with no reading (bpm 0). */
export const memberSessionStats = z.object({
  samples: z.int().nonnegative(),
  avgBpm: z.number().nullable(),
  maxBpm: z.int().nullable(),
  firstSampleAt: epochMs.nullable(),
  lastSampleAt: epochMs.nullable(),
});
export type MemberSessionStats = z.infer<typeof memberSessionStats>;

export const memberSessionItem = sessionView.omit({ participants: true, version: true }).extend({
  /** The athlete's places in this class (more than one if they left and joined again). */
  participantIds: z.array(entityId),
  stats: memberSessionStats,
});
export type MemberSessionItem = z.infer<typeof memberSessionItem>;

export const memberSessionPage = z.object({
  memberId: entityId,
  sessions: z.array(memberSessionItem),
  next: pageCursor.nullable(),
});
export type MemberSessionPage = z.infer<typeof memberSessionPage>;

const fields = createMemberBody.shape;

/**
 * A partial change to an athlete; null clears an optional field. `sex` has no
 * empty value (send `unspecified`). Classes already joined keep the profile they copied.
 */
export const updateMemberBody = z
  .strictObject({
    displayName: fields.displayName.optional(),
    birthYear: fields.birthYear.unwrap().nullable().optional(),
    sex: fields.sex,
    weightKg: fields.weightKg.unwrap().nullable().optional(),
    restingHr: fields.restingHr.unwrap().nullable().optional(),
    maxHr: fields.maxHr.unwrap().nullable().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'give at least one field to change',
    // Only for an otherwise valid body: unknown fields already explain a refusal.
    when: (payload) => payload.issues.length === 0,
  })
  .meta({ description: 'At least one field; null clears an optional field.' });
export type UpdateMemberBody = z.infer<typeof updateMemberBody>;
