// Public contract 2: Socket.IO namespace /live (docs/contracts/live.md).
import { z } from 'zod';
import { entityId, epochMs, heartRate } from './common.js';
import { zoneThresholds } from './events.js';

export const LIVE_NAMESPACE = '/live';

export const handshakeAuth = z.object({ token: z.string().min(1).max(512) });

export const sessionSubscribeRequest = z.strictObject({ sessionId: entityId });
export type SessionSubscribeRequest = z.infer<typeof sessionSubscribeRequest>;

export const unsubscribeRequest = z.union([
  z.strictObject({ sessionId: entityId }),
  z.strictObject({ studioId: entityId }),
]);

export const timePingRequest = z.strictObject({});

export const sessionStatus = z.enum(['scheduled', 'live', 'ended']);
export type SessionStatus = z.infer<typeof sessionStatus>;

export const liveSession = z.object({
  sessionId: entityId,
  studioId: entityId,
  title: z.string(),
  status: sessionStatus,
  startsAt: epochMs.nullable(),
  startedAt: epochMs.nullable(),
  endedAt: epochMs.nullable(),
});
export type LiveSession = z.infer<typeof liveSession>;

export const metadataParticipant = z.object({
  participantId: entityId,
  memberId: entityId,
  displayName: z.string(),
  deviceId: z.string().nullable(),
  maxHr: heartRate,
  restingHr: heartRate.optional(),
  zoneThresholds,
});

export const hrmMetadata = z.object({
  sessionId: entityId,
  version: z.int().nonnegative(),
  participants: z.array(metadataParticipant),
});
export type HrmMetadata = z.infer<typeof hrmMetadata>;

export const valueStatus = z.enum(['ok', 'stale', 'no-contact', 'low-battery']);
export type ValueStatus = z.infer<typeof valueStatus>;

export const liveValue = z.object({
  participantId: entityId,
  bpm: heartRate,
  zone: z.int().min(0).max(5),
  pctMax: z.number(),
  kcal: z.number().nullable(),
  points: z.number(),
  status: valueStatus,
  ts: epochMs,
});
export type LiveValue = z.infer<typeof liveValue>;

export const hrmValues = z.object({
  sessionId: entityId,
  seq: z.int().nonnegative(),
  at: epochMs,
  values: z.array(liveValue),
});
export type HrmValues = z.infer<typeof hrmValues>;

export const sessionState = z.object({ sessionId: entityId, status: sessionStatus });
export type SessionState = z.infer<typeof sessionState>;

export const sessionSnapshot = z.object({
  session: liveSession,
  metadata: hrmMetadata,
  values: hrmValues,
  /** Filled in by the timer and Spotify issues; null until then. */
  timer: z.null(),
  spotify: z.null(),
});
export type SessionSnapshot = z.infer<typeof sessionSnapshot>;

export const ackError = z.object({ code: z.string(), message: z.string() });
export type AckError = z.infer<typeof ackError>;

export function ackSchema<S extends z.ZodRawShape>(success: S) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), ...success }),
    z.object({ ok: z.literal(false), error: ackError }),
  ]);
}

export const sessionSubscribeAck = ackSchema({ snapshot: sessionSnapshot });
export type SessionSubscribeAck = z.infer<typeof sessionSubscribeAck>;
export const unsubscribeAck = ackSchema({});
export const timePingAck = ackSchema({ serverTime: epochMs });

export type Ack<T extends object> = ({ ok: true } & T) | { ok: false; error: AckError };

export const liveEvents = {
  sessionSubscribe: 'session:subscribe',
  unsubscribe: 'unsubscribe',
  timePing: 'time:ping',
  metadata: 'hrm:metadata',
  values: 'hrm:values',
  sessionState: 'session:state',
} as const;

/** Room names: one per class and one per studio. */
export const rooms = {
  session: (sessionId: string) => `session:${sessionId}`,
  studio: (studioId: string) => `studio:${studioId}`,
} as const;
