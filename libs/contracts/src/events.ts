// The event log: one envelope, and the events of each aggregate (docs/events.md).
import { z } from 'zod';
import { entityId, epochMs, heartRate, sex, zoneRule } from './common.js';
import { spotifyDevice, spotifyTrack } from './spotify.js';
import { timerProgram } from './timer.js';

const envelope = {
  id: z.string().min(1).max(128),
  /** When it happened at the source (a sample's own timestamp, a command's arrival). */
  occurredAt: epochMs,
  /** When the log recorded it. */
  recordedAt: epochMs,
  correlationId: z.string().min(1).max(128),
  causationId: z.string().min(1).max(128).nullable(),
};

function event<T extends string, D extends z.ZodRawShape>(type: T, data: D) {
  return z.strictObject({ ...envelope, type: z.literal(type), data: z.strictObject(data) });
}

/** Lower bounds of zones 1..5 in bpm, ascending. */
export const zoneThresholds = z.array(heartRate).length(5);

export const participantProfile = {
  participantId: entityId,
  memberId: entityId,
  displayName: z.string().min(1).max(80),
  deviceId: z.string().min(1).max(128).nullable(),
  maxHr: heartRate,
  /** True when max HR came from neither an override nor a usable age (docs/domain.md: 185 assumed). */
  maxHrAssumed: z.boolean(),
  restingHr: heartRate.nullable(),
  zoneThresholds,
  /** How the thresholds follow max HR when it is raised; absent in classes joined before it was recorded. */
  zoneRule: zoneRule.optional(),
  sex,
  weightKg: z.number().positive().max(400).nullable(),
  age: z.int().min(0).max(130).nullable(),
};

export const sessionScheduled = event('session.scheduled', {
  sessionId: entityId,
  studioId: entityId,
  title: z.string().min(1).max(200),
  startsAt: epochMs.nullable(),
});
export const participantJoined = event('session.participant-joined', {
  sessionId: entityId,
  ...participantProfile,
});
export const participantLeft = event('session.participant-left', {
  sessionId: entityId,
  participantId: entityId,
});
export const sessionStarted = event('session.started', { sessionId: entityId, startedAt: epochMs });
export const sessionEnded = event('session.ended', { sessionId: entityId, endedAt: epochMs });

/**
 * Adaptive max HR (docs/domain.md): the athlete stayed above their max for 30 s, so
 * ingest raised it. `at` is the timestamp of the sample that completed the
 * 30 s; samples from then on carry the new max. A raise whose `previousMaxHr`
 * is not the participant's max when it is applied (two ingest instances saw
 * the same streak) changes nothing.
 */
export const maxHrRaised = event('session.max-hr-raised', {
  sessionId: entityId,
  participantId: entityId,
  previousMaxHr: heartRate,
  maxHr: heartRate,
  zoneThresholds,
  at: epochMs,
});

export type MaxHrRaised = z.infer<typeof maxHrRaised>;

export const sessionEvent = z.discriminatedUnion('type', [
  sessionScheduled,
  participantJoined,
  participantLeft,
  sessionStarted,
  sessionEnded,
  maxHrRaised,
]);
export type SessionEvent = z.infer<typeof sessionEvent>;
export type SessionEventType = SessionEvent['type'];

/**
 * The interval timer of a class: its own aggregate, `evt.session.<sessionId>.timer`
 * (docs/events.md). Each command's event is stamped `at` with the API's clock;
 * the timer's state at any instant is a pure function of these events.
 */
export const timerProgramSet = event('timer.program-set', {
  sessionId: entityId,
  program: timerProgram,
  at: epochMs,
});
export const timerStarted = event('timer.started', { sessionId: entityId, at: epochMs });
export const timerPaused = event('timer.paused', { sessionId: entityId, at: epochMs });
export const timerResumed = event('timer.resumed', { sessionId: entityId, at: epochMs });
export const timerReset = event('timer.reset', { sessionId: entityId, at: epochMs });
/** `toStep`: the step of the flattened program it jumped to (the step count when it skipped past the end). */
export const timerSkipped = event('timer.skipped', {
  sessionId: entityId,
  at: epochMs,
  toStep: z.int().nonnegative(),
});

export const timerEvent = z.discriminatedUnion('type', [
  timerProgramSet,
  timerStarted,
  timerPaused,
  timerResumed,
  timerReset,
  timerSkipped,
]);
export type TimerEvent = z.infer<typeof timerEvent>;
export type TimerEventType = TimerEvent['type'];

/** One athlete's reading as ingest stamped it: zone and pctMax under the max HR it names. */
const recordedSampleShape = {
  participantId: entityId,
  deviceId: z.string().min(1).max(128),
  ts: epochMs,
  bpm: heartRate,
  zone: z.int().min(0).max(5),
  pctMax: z.number().min(0).max(300),
  /** The max HR zone and pctMax were computed with (it changes when adaptive max raises it). */
  maxHr: heartRate.optional(),
  rrMs: z.array(z.number()).optional(),
  contact: z.boolean().optional(),
  battery: z.int().min(0).max(100).optional(),
  rssi: z.number().optional(),
};
export const recordedSample = z.strictObject(recordedSampleShape);
export type RecordedSample = z.infer<typeof recordedSample>;

/**
 * The samples of one gateway message that belong to one class: what ingest
 * writes to the HR stream (subject `hr.<sessionId>.<gatewayId>`), one message
 * per gateway batch and class rather than one per sample, because the log's
 * cost is per message (docs/events.md). Each athlete's sample appears once.
 */
export const heartRateBatchRecorded = event('heart-rate.batch-recorded', {
  sessionId: entityId,
  studioId: entityId,
  gatewayId: entityId,
  samples: z.array(recordedSample).min(1).max(500),
});
export type HeartRateBatchRecorded = z.infer<typeof heartRateBatchRecorded>;

/**
 * One sample per event: what ingest wrote before batches (`hr.<sessionId>.<participantId>`).
 * Still read, so an HR stream written by an older ingest replays the same.
 */
export const heartRateRecorded = event('heart-rate.recorded', {
  sessionId: entityId,
  studioId: entityId,
  ...recordedSampleShape,
});
export type HeartRateRecorded = z.infer<typeof heartRateRecorded>;

/** A studio signed in to Spotify (again): the worker may call Spotify for it. */
export const spotifyConnected = event('spotify.connected', {
  studioId: entityId,
  scope: z.string().max(2000),
});
/** Spotify refused the refresh token (invalid_grant): nobody calls Spotify for the studio until it signs in again. */
export const spotifyNeedsAuth = event('spotify.needs-auth', {
  studioId: entityId,
  reason: z.string().max(500),
});
/** Spotify cannot be reached or keeps failing (5xx, network) for the studio. */
export const spotifyUnavailable = event('spotify.unavailable', {
  studioId: entityId,
  reason: z.string().max(500),
});
/**
 * What plays changed: the track, playing or paused, or the device. Not emitted
 * for progress alone: `progressMs` is the position at `at`, screens run the
 * bar themselves. `track` null: nothing plays (Spotify answered 204).
 */
export const spotifyPlaybackChanged = event('spotify.playback-changed', {
  studioId: entityId,
  isPlaying: z.boolean(),
  track: spotifyTrack.nullable(),
  progressMs: z.int().nonnegative().nullable(),
  device: spotifyDevice.nullable(),
  at: epochMs,
});

export const spotifyEvent = z.discriminatedUnion('type', [
  spotifyConnected,
  spotifyNeedsAuth,
  spotifyUnavailable,
  spotifyPlaybackChanged,
]);
export type SpotifyEvent = z.infer<typeof spotifyEvent>;

export const domainEvent = z.discriminatedUnion('type', [
  ...sessionEvent.options,
  ...timerEvent.options,
  heartRateBatchRecorded,
  heartRateRecorded,
  ...spotifyEvent.options,
]);
export type DomainEvent = z.infer<typeof domainEvent>;
export type DomainEventType = DomainEvent['type'];

/** The event as a producer hands it to the store: the store stamps `recordedAt`. */
export type NewEvent<E extends DomainEvent = DomainEvent> = E extends DomainEvent
  ? Omit<E, 'recordedAt'> & { recordedAt?: number }
  : never;

export const streams = {
  events: { name: 'EVENTS', subjects: ['evt.>'] },
  heartRate: { name: 'HR', subjects: ['hr.>'] },
  /** Raw gateway traffic, kept 24 hours: a gateway's sample older than that is refused too. */
  ingress: { name: 'HRM_INGRESS', subjects: ['hrm.v1.>'], maxAgeMs: 24 * 3600 * 1000 },
} as const;

export const eventSubjects = {
  session: (sessionId: string) => `evt.session.${sessionId}`,
  /** Every class's events, the timers' included. */
  allSessions: 'evt.session.>',
  timer: (sessionId: string) => `evt.session.${sessionId}.timer`,
  /** A class's heart rate as one gateway sent it. */
  heartRate: (sessionId: string, gatewayId: string) => `hr.${sessionId}.${gatewayId}`,
  /** Every heart-rate event of a class, whichever gateway (or, before batches, athlete) it names. */
  sessionHeartRate: (sessionId: string) => `hr.${sessionId}.>`,
  allHeartRate: 'hr.>',
  /** A studio's Spotify events (spotify.*). */
  studioSpotify: (studioId: string) => `evt.studio.${studioId}.spotify`,
  allStudioSpotify: 'evt.studio.*.spotify',
} as const;

const sessionEventTypes: ReadonlySet<string> = new Set(
  sessionEvent.options.map((option) => option.shape.type.value),
);

export function isSessionEvent(event: DomainEvent): event is SessionEvent {
  return sessionEventTypes.has(event.type);
}

const spotifyEventTypes: ReadonlySet<string> = new Set(
  spotifyEvent.options.map((option) => option.shape.type.value),
);

export function isSpotifyEvent(event: DomainEvent): event is SpotifyEvent {
  return spotifyEventTypes.has(event.type);
}

const timerEventTypes: ReadonlySet<string> = new Set(
  timerEvent.options.map((option) => option.shape.type.value),
);

export function isTimerEvent(event: DomainEvent): event is TimerEvent {
  return timerEventTypes.has(event.type);
}

export type HeartRateEvent = HeartRateBatchRecorded | HeartRateRecorded;

export function isHeartRateEvent(event: DomainEvent): event is HeartRateEvent {
  return event.type === 'heart-rate.batch-recorded' || event.type === 'heart-rate.recorded';
}

/** The class and samples of a heart-rate event, whichever shape. */
export function heartRateSamplesOf(event: HeartRateEvent): {
  sessionId: string;
  samples: readonly RecordedSample[];
} {
  if (event.type === 'heart-rate.batch-recorded') return event.data;
  return { sessionId: event.data.sessionId, samples: [event.data] };
}
