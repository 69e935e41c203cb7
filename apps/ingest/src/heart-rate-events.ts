// Turns a gateway's samples into heart-rate events: the pure part of ingest.
import type { HeartRateBatchRecorded, RecordedSample, Sample } from '#contracts';
import { pctMaxOf, zoneOf } from '#domain';
import type { Assignment } from './session-directory.js';

export interface BatchOrigin {
  studioId: string;
  gatewayId: string;
  seq: number;
  streamSeq: number;
}

/**
 * One gateway message's events for one class share an id: a redelivered
 * message (same ingress sequence, same samples) is dropped by JetStream's
 * dedupe window, and history's key drops any copy older than that. The first
 * sample's time guards against an ingress stream recreated within the window.
 */
export const heartRateBatchId = (sessionId: string, origin: BatchOrigin, firstTs: number) =>
  `${sessionId}:${origin.streamSeq}:${firstTs}`;

/** The sample as the class sees it: the athlete wearing the strap, zone and %max under their max now. */
export function recordedSample(sample: Sample, assignment: Assignment): RecordedSample {
  const { participantId, maxHr, zoneThresholds } = assignment;
  // bpm 0 is "no reading" (contract 1): zone 0, not a very low heart rate.
  const zone = sample.bpm === 0 ? 0 : zoneOf(sample.bpm, zoneThresholds);
  return {
    participantId,
    deviceId: sample.deviceId,
    ts: sample.ts,
    bpm: sample.bpm,
    zone,
    pctMax: pctMaxOf(sample.bpm, maxHr),
    maxHr,
    ...(sample.rrMs !== undefined && { rrMs: sample.rrMs }),
    ...(sample.contact !== undefined && { contact: sample.contact }),
    ...(sample.battery !== undefined && { battery: sample.battery }),
    ...(sample.rssi !== undefined && { rssi: sample.rssi }),
  };
}

/** The samples of one gateway message that belong to one class, as one event (at least one sample). */
export function heartRateBatch(
  sessionId: string,
  samples: RecordedSample[],
  origin: BatchOrigin,
  recordedAt: number,
): HeartRateBatchRecorded {
  const first = samples[0];
  if (first === undefined) throw new RangeError('a heart-rate batch needs a sample');
  let occurredAt = first.ts;
  for (const sample of samples) occurredAt = Math.min(occurredAt, sample.ts);
  return {
    id: heartRateBatchId(sessionId, origin, first.ts),
    type: 'heart-rate.batch-recorded',
    occurredAt,
    recordedAt,
    correlationId: `${origin.gatewayId}:${origin.seq}`,
    causationId: `HRM_INGRESS:${origin.streamSeq}`,
    data: { sessionId, studioId: origin.studioId, gatewayId: origin.gatewayId, samples },
  };
}
