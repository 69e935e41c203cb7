// Public contract 2: Socket.IO namespace /live (docs/contracts/live.md).
import { z } from 'zod';
import { entityId, epochMs, heartRate } from './common.js';
import { unassignedDevice } from './devices.js';
import { zoneThresholds } from './events.js';
import { spotifyState } from './spotify.js';
import { timerState } from './timer.js';

export const LIVE_NAMESPACE = '/live';

export const handshakeAuth = z.object({ token: z.string().min(1).max(512) });

/**
 * How a screen wants its `hrm:values` frames: `objects` (the default: one object
 * per athlete, as documented) or `compact` (one array per athlete, see
 * `hrmValuesCompact`; about half the bytes, for big rooms and thin links).
 */
export const valuesEncoding = z.enum(['objects', 'compact']);
export type ValuesEncoding = z.infer<typeof valuesEncoding>;

export const sessionSubscribeRequest = z.strictObject({
  sessionId: entityId,
  encoding: valuesEncoding.optional(),
});
export type SessionSubscribeRequest = z.infer<typeof sessionSubscribeRequest>;

export const unsubscribeRequest = z.union([
  z.strictObject({ sessionId: entityId }),
  z.strictObject({ studioId: entityId }),
]);

export const timePingRequest = z.strictObject({});

export const studioSubscribeRequest = z.strictObject({ studioId: entityId });
export type StudioSubscribeRequest = z.infer<typeof studioSubscribeRequest>;

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

export type MetadataParticipant = z.infer<typeof metadataParticipant>;

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
  /** Frame number of this class on this realtime instance: +1 per frame sent to the room. */
  seq: z.int().nonnegative(),
  at: epochMs,
  values: z.array(liveValue),
  /**
   * True when the frame carries every athlete's value, not only the changed ones: sent
   * to a socket that missed frames (slow link, recovered connection) instead of the delta.
   */
  full: z.literal(true).optional(),
});
export type HrmValues = z.infer<typeof hrmValues>;

/**
 * `hrm:values` for a screen that subscribed with `encoding: 'compact'`: the same
 * frame, each value as `[participantId, bpm, zone, pctMax, kcal, points, status, ts - at]`.
 * `decodeCompactValues` gives back the `hrmValues` payload.
 */
export const compactValue = z.tuple([
  entityId,
  heartRate,
  z.int().min(0).max(5),
  z.number(),
  z.number().nullable(),
  z.number(),
  valueStatus,
  z.int(),
]);
export const hrmValuesCompact = hrmValues.omit({ values: true }).extend({ rows: z.array(compactValue) });
export type HrmValuesCompact = z.infer<typeof hrmValuesCompact>;

export function encodeCompactValues({ values, ...frame }: HrmValues): HrmValuesCompact {
  return {
    ...frame,
    rows: values.map(({ participantId, bpm, zone, pctMax, kcal, points, status, ts }) => [
      participantId,
      bpm,
      zone,
      pctMax,
      kcal,
      points,
      status,
      ts - frame.at,
    ]),
  };
}

export function decodeCompactValues({ rows, ...frame }: HrmValuesCompact): HrmValues {
  return {
    ...frame,
    values: rows.map(([participantId, bpm, zone, pctMax, kcal, points, status, offset]) => ({
      participantId,
      bpm,
      zone,
      pctMax,
      kcal,
      points,
      status,
      ts: frame.at + offset,
    })),
  };
}

export const sessionState = z.object({ sessionId: entityId, status: sessionStatus });
export type SessionState = z.infer<typeof sessionState>;

/** Alert kinds (docs/domain.md, live status): debounced to once a minute per athlete and kind. */
export const alertKind = z.enum(['low-battery', 'no-contact', 'stale', 'disconnected', 'max-hr-raised']);
export type AlertKind = z.infer<typeof alertKind>;

export const liveAlert = z.object({
  sessionId: entityId,
  kind: alertKind,
  participantId: entityId,
  /** Server time the condition was seen (for max-hr-raised: the sample's time), epoch ms. */
  at: epochMs,
});
export type LiveAlert = z.infer<typeof liveAlert>;

export const liveStudio = z.object({ studioId: entityId, name: z.string() });
export type LiveStudio = z.infer<typeof liveStudio>;

/** `studio:devices`: the studio's unassigned straps, newest sighting first, whenever that list changes. */
export const studioDevices = z.object({
  studioId: entityId,
  unassigned: z.array(unassignedDevice),
});
export type StudioDevices = z.infer<typeof studioDevices>;

export const studioSnapshot = z.object({
  studio: liveStudio,
  /** The studio's live class (the latest started, when several are), or null. */
  liveSessionId: entityId.nullable(),
  unassigned: z.array(unassignedDevice),
  /** What plays in the studio; null when it never signed in to Spotify. */
  spotify: spotifyState.nullable(),
});
export type StudioSnapshot = z.infer<typeof studioSnapshot>;

export const sessionSnapshot = z.object({
  session: liveSession,
  metadata: hrmMetadata,
  values: hrmValues,
  /** The class's timer now; null when it never had a program. */
  timer: timerState.nullable(),
  /** What plays in the class's studio; null when it never signed in to Spotify. */
  spotify: spotifyState.nullable(),
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
export const studioSubscribeAck = ackSchema({ snapshot: studioSnapshot });
export type StudioSubscribeAck = z.infer<typeof studioSubscribeAck>;
/** `timer:command` and `spotify:command`: the owner's view after the command, when it gives one. */
export const liveCommandAck = ackSchema({ state: z.union([timerState, spotifyState]).optional() });
export type LiveCommandAck = z.infer<typeof liveCommandAck>;

/** Every `code` an ack's error may carry (docs/contracts/live.md). */
export const liveErrorCode = z.enum([
  'bad-request',
  'not-found',
  'forbidden',
  'rate-limited',
  'not-available',
  'unavailable',
  'unauthorized',
]);
export type LiveErrorCode = z.infer<typeof liveErrorCode>;

export type Ack<T extends object> = ({ ok: true } & T) | { ok: false; error: AckError };

export const liveEvents = {
  sessionSubscribe: 'session:subscribe',
  studioSubscribe: 'studio:subscribe',
  unsubscribe: 'unsubscribe',
  timerCommand: 'timer:command',
  spotifyCommand: 'spotify:command',
  timePing: 'time:ping',
  metadata: 'hrm:metadata',
  values: 'hrm:values',
  timerState: 'timer:state',
  spotifyState: 'spotify:state',
  sessionState: 'session:state',
  alert: 'alert',
  studioDevices: 'studio:devices',
  authRevoked: 'auth:revoked',
} as const;

/**
 * `auth:revoked`: the socket's token was revoked (`DELETE /studios/:id/tokens/:tokenId`)
 * or reached its `expiresAt`. The server disconnects the socket right after it;
 * the client needs a new token before it connects again.
 */
export const authRevoked = z.object({ reason: z.enum(['revoked', 'expired']), at: epochMs });
export type AuthRevoked = z.infer<typeof authRevoked>;

/** A room of /live, as `rooms.parse` reads its name. */
export type LiveRoom =
  | { kind: 'session'; sessionId: string }
  /** The screens of a class that take compact values frames (they are in its `session` room too). */
  | { kind: 'session-compact'; sessionId: string }
  | { kind: 'studio'; studioId: string };

const COMPACT_SUFFIX = '#compact';
/** `session:<id>`, `session:<id>#compact` or `studio:<id>`; the id is checked by `entityId`. */
const roomName = /^(session|studio):([^#]*)(#compact)?$/;

/**
 * Room names: one per class (and one for its compact screens) and one per
 * studio, built and read back here only, so no caller slices a name.
 */
export const rooms = {
  session: (sessionId: string) => `session:${sessionId}`,
  /** The screens of a class that take compact values frames (they are in `session` too). */
  sessionCompact: (sessionId: string) => `session:${sessionId}${COMPACT_SUFFIX}`,
  studio: (studioId: string) => `studio:${studioId}`,
  /** What a room is, or null for any other name (Socket.IO puts each socket in a room named after its id). */
  parse: (name: string): LiveRoom | null => {
    const match = roomName.exec(name);
    if (!match) return null;
    const [, kind, rawId, compact] = match;
    const id = entityId.safeParse(rawId);
    if (!id.success) return null;
    if (kind === 'studio') return compact === undefined ? { kind: 'studio', studioId: id.data } : null;
    return { kind: compact === undefined ? 'session' : 'session-compact', sessionId: id.data };
  },
} as const;
