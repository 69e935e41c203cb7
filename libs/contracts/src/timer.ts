// The interval timer (docs/domain.md): programs as a coach writes them (a preset or
// custom segments), the normalized program the log keeps, and the `timer:state`
// payload of contract 2, which the REST routes answer too.
import { z } from 'zod';
import { entityId, epochMs } from './common.js';

export const timerPreset = z.enum(['stopwatch', 'tabata', 'emom', 'amrap', 'custom']);
export type TimerPreset = z.infer<typeof timerPreset>;

export const segmentKind = z.enum(['work', 'rest', 'warmup', 'cooldown']);
export type SegmentKind = z.infer<typeof segmentKind>;

/** Bounds of a program: whole seconds, so every boundary is a whole millisecond on every instance. */
export const timerBounds = {
  maxPrepareSec: 300,
  maxSegmentSec: 3600,
  maxSegments: 50,
  maxRounds: 100,
  maxCooldownSec: 1800,
  maxMinutes: 180,
  /** A bounded program lasts at most this long, prepare and cool-down included. */
  maxTotalSec: 4 * 3600,
} as const;

const prepareSec = z.int().min(0).max(timerBounds.maxPrepareSec);
const cooldownSec = z.int().min(0).max(timerBounds.maxCooldownSec);
const durationSec = z.int().min(1).max(timerBounds.maxSegmentSec);
const minutes = z.int().min(1).max(timerBounds.maxMinutes);
const label = z.string().trim().min(1).max(40);

/** A number of rounds, or `unbounded`: the segments repeat until the coach resets or skips out. */
export const timerRounds = z.union([z.int().min(1).max(timerBounds.maxRounds), z.literal('unbounded')]);
export type TimerRounds = z.infer<typeof timerRounds>;

export const timerSegmentInput = z.strictObject({ kind: segmentKind, label: label.optional(), durationSec });

/**
 * A program as a client sends it (`PUT /sessions/:id/timer`, `timer` of a new
 * class): a preset with its few numbers, or `custom` segments. The domain
 * normalizes it (`normalizeTimerProgram`) into a `timerProgram`.
 */
export const timerProgramInput = z
  .discriminatedUnion('preset', [
    z.strictObject({ preset: z.literal('stopwatch'), prepareSec: prepareSec.optional() }),
    z.strictObject({
      preset: z.literal('tabata'),
      prepareSec: prepareSec.optional(),
      workSec: durationSec.optional(),
      restSec: durationSec.optional(),
      rounds: z.int().min(1).max(timerBounds.maxRounds).optional(),
      cooldownSec: cooldownSec.optional(),
    }),
    z.strictObject({
      preset: z.literal('emom'),
      minutes,
      prepareSec: prepareSec.optional(),
      cooldownSec: cooldownSec.optional(),
    }),
    z.strictObject({
      preset: z.literal('amrap'),
      minutes,
      prepareSec: prepareSec.optional(),
      cooldownSec: cooldownSec.optional(),
    }),
    z.strictObject({
      preset: z.literal('custom'),
      prepareSec: prepareSec.optional(),
      segments: z.array(timerSegmentInput).min(1).max(timerBounds.maxSegments),
      rounds: timerRounds,
      cooldownSec: cooldownSec.optional(),
    }),
  ])
  .meta({
    description:
      'A preset (`stopwatch`, `tabata` 20 s work / 10 s rest × 8, `emom` 60 s × `minutes`, `amrap` one work ' +
      'segment of `minutes`) or `custom` segments. `prepareSec` defaults to 10, `cooldownSec` to 0. ' +
      'A bounded program lasts at most 4 h; a final cool-down needs a bounded number of rounds.',
  });
export type TimerProgramInput = z.infer<typeof timerProgramInput>;

export const timerSegment = z.strictObject({ kind: segmentKind, label, durationSec });
export type TimerSegment = z.infer<typeof timerSegment>;

/**
 * A normalized program, as the log keeps it. `segments` is empty only for the
 * stopwatch, which counts up from the end of `prepareSec` without an end.
 */
export const timerProgram = z.strictObject({
  preset: timerPreset,
  prepareSec,
  segments: z.array(timerSegment).max(timerBounds.maxSegments),
  rounds: timerRounds,
  cooldownSec,
});
export type TimerProgram = z.infer<typeof timerProgram>;

export const timerStatus = z.enum(['idle', 'running', 'paused', 'finished']);
export type TimerStatus = z.infer<typeof timerStatus>;

/** What a step of the program is: the kind of its segment, or the prepare count-in. */
export const timerPhase = z.enum(['prepare', 'work', 'rest', 'warmup', 'cooldown']);
export type TimerPhase = z.infer<typeof timerPhase>;

/** The last seconds of a segment, when screens beep. */
export const CUE_MS = 3000;

/**
 * `timer:state` (contract 2), also the answer of the REST timer routes. A pure
 * function of the timer's events and `serverTime`: every instance computes the
 * same one. Screens count down to `segmentEndsAt` themselves, corrected by
 * their clock offset to `serverTime`.
 */
export const timerState = z.object({
  sessionId: entityId,
  /** The timer's version (stream sequence of its latest event; 0 before any): the REST ETag. */
  version: z.int().nonnegative(),
  status: timerStatus,
  /** Null until a program is set. */
  program: timerProgram.nullable(),
  /** 0 during prepare and while idle; 1.. in the rounds; the last round during the final cool-down. */
  round: z.int().nonnegative(),
  /** Index in `program.segments`; null in prepare, the final cool-down, the stopwatch, idle or finished. */
  segmentIndex: z.int().nonnegative().nullable(),
  /** Position in the flattened program (prepare, each segment of each round, cool-down); null when idle or finished. */
  stepIndex: z.int().nonnegative().nullable(),
  /** Null when idle or finished. */
  phase: timerPhase.nullable(),
  label: z.string().nullable(),
  /** When the current segment ends, server time; only while running a segment that has an end. */
  segmentEndsAt: epochMs.optional(),
  /** Length of the current segment; null without one or for the stopwatch. */
  segmentDurationMs: z.int().positive().nullable(),
  /** Left in the current segment at `serverTime`; null when it has no end (idle, stopwatch); 0 when finished. */
  remainingMs: z.int().nonnegative().nullable(),
  /** Time run since start, pauses excluded; frozen while paused and once finished. */
  elapsedMs: z.int().nonnegative(),
  /** True in the last 3 s of a running segment (screens beep each second). */
  cue: z.boolean(),
  /** When the cue seconds of the current segment begin (segmentEndsAt − 3 s); only with `segmentEndsAt`. */
  cueStartsAt: epochMs.optional(),
  serverTime: epochMs,
});
export type TimerState = z.infer<typeof timerState>;

/** Work and rest time of a class's timer, for the summary; pauses and prepare excluded. */
export const timerTotals = z.object({ workMs: z.int().nonnegative(), restMs: z.int().nonnegative() });
export type TimerTotals = z.infer<typeof timerTotals>;
