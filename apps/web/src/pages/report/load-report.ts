// What the class report needs, from the history routes: the summary, the class
// (its title and each athlete's zone thresholds) and every athlete's curve.
import {
  heartRateSeries,
  sessionEventsPage,
  sessionSummary,
  sessionView,
  type HeartRateBucket,
  type HeartRateSeries,
  type SessionSummary,
  type SessionView,
} from '#contracts';
import type { Api } from '../../api.js';

export type HeartRatePoints = HeartRateSeries['participants'][number]['points'];

export interface ClassReport {
  summary: SessionSummary;
  title: string;
  /** Lower bounds of zones 1..5 in bpm, per participant, as at the end of the class. */
  thresholdsOf: Map<string, number[]>;
  bucket: HeartRateBucket;
  pointsOf: Map<string, HeartRatePoints>;
}

const minute = 60_000;

/** A bucket's width (raw samples have none). */
export const bucketMs: Record<HeartRateBucket, number> = {
  raw: 0,
  '1s': 1_000,
  '5s': 5_000,
  '30s': 30_000,
  '60s': 60_000,
};

/**
 * A bucket that keeps each curve under about a thousand points, so a long class
 * draws as fast as a short one and still shows each interval's peaks.
 */
export function bucketFor(classLengthMs: number): HeartRateBucket {
  if (classLengthMs <= 15 * minute) return '1s';
  if (classLengthMs <= 75 * minute) return '5s';
  if (classLengthMs <= 8 * 60 * minute) return '30s';
  return '60s';
}

/** From start to end, or to now while the class is live; 0 before it starts. */
export function classLengthMs(summary: SessionSummary, now = Date.now()): number {
  if (summary.durationMs !== null) return summary.durationMs;
  return summary.startedAt === null ? 0 : Math.max(0, now - summary.startedAt);
}

export async function loadReport(api: Api, sessionId: string): Promise<ClassReport> {
  const path = `/sessions/${encodeURIComponent(sessionId)}`;
  const [summary, session] = await Promise.all([
    api.get(`${path}/summary`, sessionSummary),
    api.get(path, sessionView),
  ]);
  const bucket = bucketFor(classLengthMs(summary));
  const thresholdsOf = thresholdsByParticipant(session);
  const [series] = await Promise.all([
    api.get(`${path}/heart-rate?bucket=${bucket}`, heartRateSeries),
    summary.participants.some((athlete) => !thresholdsOf.has(athlete.participantId))
      ? addThresholdsOfLeavers(api, path, thresholdsOf)
      : undefined,
  ]);
  return {
    summary,
    title: session.title,
    thresholdsOf,
    bucket,
    pointsOf: new Map(series.participants.map(({ participantId, points }) => [participantId, points])),
  };
}

function thresholdsByParticipant(session: SessionView): Map<string, number[]> {
  return new Map(session.participants.map((p) => [p.participantId, p.zoneThresholds]));
}

/**
 * The class view lists only the athletes still in it; those who left have their
 * zones in the event log (as they joined, or as adaptive max HR last moved them).
 */
async function addThresholdsOfLeavers(api: Api, path: string, thresholdsOf: Map<string, number[]>) {
  const present = new Set(thresholdsOf.keys());
  const maxHrOf = new Map<string, number>();
  let after = 0;
  for (;;) {
    const page = await api.get(`${path}/events?after=${after}&limit=1000`, sessionEventsPage);
    for (const event of page.events) {
      if (event.type !== 'session.participant-joined' && event.type !== 'session.max-hr-raised') continue;
      const { participantId, maxHr, zoneThresholds } = event.data;
      if (present.has(participantId)) continue;
      // A raise from a max the athlete no longer had (two ingest instances saw the same streak) changes nothing.
      const stale =
        event.type === 'session.max-hr-raised' && maxHrOf.get(participantId) !== event.data.previousMaxHr;
      if (stale) continue;
      maxHrOf.set(participantId, maxHr);
      thresholdsOf.set(participantId, zoneThresholds);
    }
    if (page.next === null) return;
    after = page.next;
  }
}
