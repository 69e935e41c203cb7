// Public contract 1: what gateways publish on NATS (docs/contracts/gateway.md).
import { z } from 'zod';
import { heartRate, subjectToken, timestamp } from './common.js';
import { streams } from './events.js';

export const GATEWAY_MAX_BYTES = 64 * 1024;

/**
 * How far a gateway's timestamp may be ahead of the moment the platform received
 * the message (its clock running fast), by default: `INGEST_MAX_FUTURE_MS`.
 * Ingest refuses a sample further ahead; realtime takes no sample further ahead
 * of its event's `recordedAt` as an athlete's latest.
 */
export const GATEWAY_MAX_FUTURE_MS = 10_000;
/** The most `INGEST_MAX_FUTURE_MS` may be set to. */
export const GATEWAY_MAX_FUTURE_MS_LIMIT = 3_600_000;
/** The oldest a sample may be when received: what `HRM_INGRESS` keeps (a buffered gateway has that long). */
export const GATEWAY_MAX_AGE_MS = streams.ingress.maxAgeMs;

/** The moment the platform received a gateway message, and the skew its clock is allowed. */
export interface TimeBounds {
  receivedAt: number;
  maxFutureMs: number;
}

/**
 * Why a gateway's timestamp is refused (after `receivedAt` plus the allowed
 * skew, or older than the ingress retention), or null when it is in range.
 * `checkAge: false` skips the lower bound (a strap last heard long ago is still a fact).
 */
export function timestampOutOfRange(ts: number, bounds: TimeBounds, checkAge = true): string | null {
  const latest = bounds.receivedAt + bounds.maxFutureMs;
  if (ts > latest) {
    return `${ts} is after ${latest} (received at ${bounds.receivedAt} + ${bounds.maxFutureMs} ms allowed skew)`;
  }
  const earliest = bounds.receivedAt - GATEWAY_MAX_AGE_MS;
  if (checkAge && ts < earliest) {
    return `${ts} is before ${earliest} (received at ${bounds.receivedAt} - ${GATEWAY_MAX_AGE_MS} ms retention)`;
  }
  return null;
}

/** True when a recorded sample's time is further ahead of when the log recorded it than any gateway may be. */
export function isAheadOfRecording(ts: number, recordedAt: number, maxFutureMs: number): boolean {
  return ts > recordedAt + maxFutureMs;
}

export const sample = z.strictObject({
  deviceId: z.string().min(1).max(128),
  ts: timestamp,
  bpm: heartRate,
  rrMs: z.array(z.number().positive().max(5000)).max(16).optional(),
  contact: z.boolean().optional(),
  battery: z.int().min(0).max(100).optional(),
  rssi: z.number().min(-150).max(20).optional(),
});
export type Sample = z.infer<typeof sample>;

export const sampleBatch = z.strictObject({
  gatewayId: subjectToken,
  seq: z.int().nonnegative(),
  sentAt: timestamp,
  samples: z.array(sample).min(1).max(500),
});
export type SampleBatch = z.infer<typeof sampleBatch>;
export type SampleBatchInput = z.input<typeof sampleBatch>;

export const gatewayStatus = z.strictObject({
  gatewayId: subjectToken,
  sentAt: timestamp,
  version: z.string().max(64).optional(),
  devices: z
    .array(
      z.strictObject({
        deviceId: z.string().min(1).max(128),
        battery: z.int().min(0).max(100).optional(),
        rssi: z.number().min(-150).max(20).optional(),
        lastSeen: timestamp,
      }),
    )
    .max(500),
});
export type GatewayStatus = z.infer<typeof gatewayStatus>;

export const gatewaySubjects = {
  samples: (studioId: string, gatewayId: string) => `hrm.v1.samples.${studioId}.${gatewayId}`,
  status: (studioId: string, gatewayId: string) => `hrm.v1.status.${studioId}.${gatewayId}`,
  deadLetter: (studioId: string, gatewayId: string) => `hrm.v1.dlq.${studioId}.${gatewayId}`,
  allSamples: 'hrm.v1.samples.>',
  allStatus: 'hrm.v1.status.>',
} as const;

const gatewaySubject = z.tuple([
  z.literal('hrm'),
  z.literal('v1'),
  z.enum(['samples', 'status']),
  subjectToken,
  subjectToken,
]);

export type GatewaySubject = { kind: 'samples' | 'status'; studioId: string; gatewayId: string };

/** Splits `hrm.v1.<kind>.<studioId>.<gatewayId>`; null when it is not one. */
export function parseGatewaySubject(subject: string): GatewaySubject | null {
  const parsed = gatewaySubject.safeParse(subject.split('.'));
  if (!parsed.success) return null;
  const [, , kind, studioId, gatewayId] = parsed.data;
  return { kind, studioId, gatewayId };
}

/** What ingest keeps on the dead-letter subject for a message it refused. */
export const deadLetter = z.strictObject({
  reason: z.string(),
  subject: z.string(),
  receivedAt: z.int(),
  streamSeq: z.int().optional(),
  payload: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetter>;
