// Public contract 3, a class's history: summary, event log for replay, CSV export.
import { z } from 'zod';
import { entityId, epochMs } from './common.js';
import { sessionStatus } from './live.js';
import {
  maxHrRaised,
  participantJoined,
  participantLeft,
  sessionEnded,
  sessionScheduled,
  sessionStarted,
  timerPaused,
  timerProgramSet,
  timerReset,
  timerResumed,
  timerSkipped,
  timerStarted,
} from './events.js';
import { timerTotals } from './timer.js';

/** A whole number in a query string: digits only, so `1e3`, ` 5` or `-1` are refused. */
export const queryInt = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a whole number')
  .transform(Number);

export const sessionEventsQuery = z.strictObject({
  /** Stream sequence of the last event already seen: only later ones are returned. */
  after: queryInt.pipe(epochMs).optional(),
  limit: queryInt.pipe(z.int().min(1).max(1000)).default(100),
});
export type SessionEventsQuery = z.infer<typeof sessionEventsQuery>;

const seq = { seq: z.int().positive() };

/** A class's event as stored (its timer's included), with its position in the log. */
export const storedSessionEvent = z.discriminatedUnion('type', [
  sessionScheduled.extend(seq),
  participantJoined.extend(seq),
  participantLeft.extend(seq),
  sessionStarted.extend(seq),
  sessionEnded.extend(seq),
  maxHrRaised.extend(seq),
  timerProgramSet.extend(seq),
  timerStarted.extend(seq),
  timerPaused.extend(seq),
  timerResumed.extend(seq),
  timerReset.extend(seq),
  timerSkipped.extend(seq),
]);
export type StoredSessionEvent = z.infer<typeof storedSessionEvent>;

export const sessionEventsPage = z.object({
  sessionId: entityId,
  events: z.array(storedSessionEvent),
  /** Pass as `after` for the next page; null when this page is the end of the log so far. */
  next: z.int().positive().nullable(),
});
export type SessionEventsPage = z.infer<typeof sessionEventsPage>;

/** Minutes in zones 0..5. */
export const minutesInZone = z.array(z.number().nonnegative()).length(6);

export const participantSummary = z.object({
  participantId: entityId,
  memberId: entityId,
  displayName: z.string(),
  maxHr: z.int(),
  /** Samples stored, readings of bpm 0 (no reading) included. */
  samples: z.int().nonnegative(),
  /** Over readings with bpm > 0; null when there is none. */
  avgBpm: z.number().nullable(),
  maxBpm: z.int().nullable(),
  peakPctMax: z.number().nullable(),
  minutesInZone,
  /** Null without weight or age (no guesses). */
  kcal: z.number().nullable(),
  points: z.number(),
  highIntensityMinutes: z.number(),
  activeMinutes: z.number(),
});
export type ParticipantSummary = z.infer<typeof participantSummary>;

export const sessionSummary = z.object({
  sessionId: entityId,
  status: sessionStatus,
  startedAt: epochMs.nullable(),
  endedAt: epochMs.nullable(),
  /** From start to end; null until the class has ended. */
  durationMs: z.int().nonnegative().nullable(),
  participants: z.array(participantSummary),
  /** Time the class's timer ran work and rest segments (pauses, prepare, warm-up and cool-down not counted); null when it never started. */
  timer: timerTotals.nullable(),
  totals: z.object({
    participants: z.int().nonnegative(),
    samples: z.int().nonnegative(),
    /** Sum over athletes with a kcal figure; null when none has one. */
    kcal: z.number().nullable(),
    points: z.number(),
    highIntensityMinutes: z.number(),
    activeMinutes: z.number(),
    minutesInZone,
  }),
});
export type SessionSummary = z.infer<typeof sessionSummary>;

/** Columns of `GET /sessions/:id/export.csv`; rr_ms holds the RR intervals joined by `;`. */
export const sampleCsvColumns = [
  'participant_id',
  'display_name',
  'ts_iso',
  'ts_ms',
  'bpm',
  'zone',
  'rr_ms',
  'contact',
  'battery',
] as const;
