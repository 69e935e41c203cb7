// Turns a gateway's samples into heart-rate events: the pure part of ingest.
import type { HeartRateRecorded, MaxHrRaised, Sample } from '#contracts';
import { observeMaxHr, pctMaxOf, thresholdsForMax, zoneOf } from '#domain';
import type { Assignment } from './session-directory.js';

export interface BatchOrigin {
  studioId: string;
  gatewayId: string;
  seq: number;
  streamSeq: number;
}

/** One key per athlete and instant: a sample seen twice is one event (and one row in history). */
export const heartRateEventId = (sessionId: string, participantId: string, ts: number) =>
  `${sessionId}:${participantId}:${ts}`;

export function heartRateEvent(
  sample: Sample,
  assignment: Assignment,
  origin: BatchOrigin,
  recordedAt: number,
): HeartRateRecorded {
  const { sessionId, participantId, maxHr, zoneThresholds } = assignment;
  // bpm 0 is "no reading" (contract 1): zone 0, not a very low heart rate.
  const zone = sample.bpm === 0 ? 0 : zoneOf(sample.bpm, zoneThresholds);
  return {
    id: heartRateEventId(sessionId, participantId, sample.ts),
    type: 'heart-rate.recorded',
    occurredAt: sample.ts,
    recordedAt,
    correlationId: `${origin.gatewayId}:${origin.seq}`,
    causationId: `HRM_INGRESS:${origin.streamSeq}`,
    data: {
      sessionId,
      participantId,
      studioId: origin.studioId,
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
    },
  };
}

/**
 * Adaptive max HR: takes the sample into the athlete's watch. When it completes
 * 30 s above max, the assignment takes the raised max (this sample's event and
 * the later ones carry it) and the raise is returned, for the class's log. Its
 * id names the max it was raised from, so two instances raising the same run
 * append one event.
 */
export function maxHrRaise(
  sample: Sample,
  assignment: Assignment,
  origin: BatchOrigin,
  recordedAt: number,
): MaxHrRaised | null {
  const { watch, raisedTo } = observeMaxHr(assignment.watch, sample);
  assignment.watch = watch;
  if (raisedTo === null) return null;
  const { sessionId, participantId, maxHr: previousMaxHr } = assignment;
  const zoneThresholds = thresholdsForMax(assignment, raisedTo);
  assignment.raisedFrom = previousMaxHr;
  assignment.maxHr = raisedTo;
  assignment.zoneThresholds = zoneThresholds;
  return {
    id: `${sessionId}:${participantId}:max-hr-from:${previousMaxHr}`,
    type: 'session.max-hr-raised',
    occurredAt: sample.ts,
    recordedAt,
    correlationId: `${origin.gatewayId}:${origin.seq}`,
    causationId: `HRM_INGRESS:${origin.streamSeq}`,
    data: { sessionId, participantId, previousMaxHr, maxHr: raisedTo, zoneThresholds, at: sample.ts },
  };
}
