// Public contract 3: REST bodies and responses (docs/contracts/rest.md).
import { z } from 'zod';
import {
  entityId,
  epochMs,
  heartRate,
  maxHrFormula,
  sex,
  subjectToken,
  zoneModel,
  zonePercentages,
} from './common.js';
import { sessionStatus } from './live.js';
import { timerProgramInput } from './timer.js';

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin')
  .meta({ description: 'An IANA time zone name, e.g. Europe/Berlin' });

const studioSettings = {
  timezone: timeZone.optional(),
  maxHrFormula: maxHrFormula.optional(),
  zoneModel: zoneModel.optional(),
  customZones: zonePercentages.optional(),
};

/** The `custom` zone model is the studio's own five percentages: it needs them. */
export function customZonesMissing(settings: {
  zoneModel?: string;
  customZones?: readonly number[] | null;
}): boolean {
  return settings.zoneModel === 'custom' && (settings.customZones ?? []).length !== 5;
}

const customNeedsZones = {
  message: 'the custom zone model needs five customZones percentages',
  path: ['customZones'],
};

export const createStudioBody = z
  .strictObject({ name: z.string().trim().min(1).max(120), ...studioSettings })
  .refine((body) => !customZonesMissing(body), customNeedsZones)
  .meta({ description: 'The `custom` zone model needs five `customZones`.' });

/** Changes to a studio's settings apply to classes joined from then on, never to past ones. */
export const updateStudioBody = z
  .strictObject({ name: z.string().trim().min(1).max(120).optional(), ...studioSettings })
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to change' })
  .meta({
    description:
      'At least one field; the `custom` zone model needs five `customZones` (here or already set).',
  });
export type UpdateStudioBody = z.infer<typeof updateStudioBody>;

export type CreateStudioBody = z.infer<typeof createStudioBody>;

export const studio = z.object({
  id: entityId,
  name: z.string(),
  timezone: z.string(),
  maxHrFormula,
  zoneModel,
  customZones: z.array(z.number()).nullable(),
});
export type Studio = z.infer<typeof studio>;

const currentYear = new Date().getUTCFullYear();

export const createMemberBody = z.strictObject({
  displayName: z.string().trim().min(1).max(80),
  birthYear: z.int().min(1900).max(currentYear).optional(),
  sex: sex.optional(),
  weightKg: z.number().min(20).max(400).optional(),
  restingHr: z.int().min(25).max(140).optional(),
  maxHr: z.int().min(100).max(240).optional(),
});
export type CreateMemberBody = z.infer<typeof createMemberBody>;

export const member = z.object({
  id: entityId,
  studioId: entityId,
  displayName: z.string(),
  birthYear: z.int().nullable(),
  sex,
  weightKg: z.number().nullable(),
  restingHr: z.int().nullable(),
  maxHr: z.int().nullable(),
});
export type Member = z.infer<typeof member>;

export const pairDeviceBody = z.strictObject({ memberId: entityId });
export type PairDeviceBody = z.infer<typeof pairDeviceBody>;

/**
 * A device id as it appears in a URL path (gateways use e.g. `ant:120:54321`).
 * No NUL: Postgres text cannot hold one, so no strap is stored with it.
 */
export const deviceIdParam = z
  .string()
  .min(1)
  .max(128)
  .refine((id) => !id.includes('\u0000'), 'a device id cannot contain a NUL character');

export const createSessionBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  /** The class's timer program, set when the class is scheduled. */
  timer: timerProgramInput.optional(),
});
export type CreateSessionBody = z.infer<typeof createSessionBody>;

export const addParticipantBody = z.strictObject({
  memberId: entityId,
  deviceId: z.string().min(1).max(128).optional(),
});
export type AddParticipantBody = z.infer<typeof addParticipantBody>;

export const tokenRole = z.enum(['display', 'coach', 'operator']);
export type TokenRole = z.infer<typeof tokenRole>;

export const createTokenBody = z.strictObject({
  role: tokenRole,
  label: z.string().max(120).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateTokenBody = z.infer<typeof createTokenBody>;

/**
 * Registers a gateway of the studio: its id names its NATS subjects
 * (`hrm.v1.samples.<studioId>.<gatewayId>`), so it is a subject token, as in its messages.
 */
export const registerGatewayBody = z.strictObject({
  gatewayId: subjectToken,
  name: z.string().trim().min(1).max(120).optional(),
});
export type RegisterGatewayBody = z.infer<typeof registerGatewayBody>;

export const sessionParticipant = z.object({
  participantId: entityId,
  memberId: entityId,
  displayName: z.string(),
  deviceId: z.string().nullable(),
  maxHr: heartRate,
  restingHr: heartRate.nullable(),
  zoneThresholds: z.array(heartRate),
});

export const sessionView = z.object({
  id: entityId,
  studioId: entityId,
  title: z.string(),
  status: sessionStatus,
  startsAt: epochMs.nullable(),
  startedAt: epochMs.nullable(),
  endedAt: epochMs.nullable(),
  version: z.int(),
  participants: z.array(sessionParticipant),
});
export type SessionView = z.infer<typeof sessionView>;

export const heartRateBucket = z.enum(['raw', '1s', '5s', '30s', '60s']);
export type HeartRateBucket = z.infer<typeof heartRateBucket>;

export const heartRateQuery = z.strictObject({
  participantId: subjectToken.optional(),
  bucket: heartRateBucket.default('raw'),
});
export type HeartRateQuery = z.infer<typeof heartRateQuery>;

export const heartRatePoint = z.object({
  t: epochMs,
  bpm: z.number(),
  zone: z.int().min(0).max(5),
  min: z.int().optional(),
  max: z.int().optional(),
  n: z.int().optional(),
});

export const heartRateSeries = z.object({
  sessionId: entityId,
  bucket: heartRateBucket,
  participants: z.array(z.object({ participantId: entityId, points: z.array(heartRatePoint) })),
});
export type HeartRateSeries = z.infer<typeof heartRateSeries>;

/** RFC 9457 problem details, with field errors for bad bodies. */
export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** The request's path. */
  instance: z.string().optional(),
});
export type Problem = z.infer<typeof problem>;
