// A class's heart-rate history: raw samples, or buckets with mean, min, max
// and count. A bucket's zone is the zone of its mean under the thresholds the
// athlete had in that class. Samples with bpm 0 (no reading) are left out of buckets.
import { z } from 'zod';
import { parseRows, Prisma, wholeNumber, type Db } from '#db';
import { zoneOf } from '#domain';
import { readSamples, type PackedSample } from '../projections/sample-chunks.js';
import type { HeartRateBucket, HeartRateSeries } from '#contracts';

const bucketMs: Record<Exclude<HeartRateBucket, 'raw'>, number> = {
  '1s': 1000,
  '5s': 5000,
  '30s': 30_000,
  '60s': 60_000,
};

type Point = HeartRateSeries['participants'][number]['points'][number];

const sampleRow = z.object({ participant_id: z.string(), t: wholeNumber, bpm: z.int(), zone: z.int() });

export async function heartRateSeries(
  db: Db,
  sessionId: string,
  bucket: HeartRateBucket,
  participantId: string | undefined,
): Promise<HeartRateSeries> {
  const participants = await db.participant.findMany({
    where: { sessionId, ...(participantId !== undefined && { id: participantId }) },
    orderBy: { joinedAt: 'asc' },
    select: { id: true, zoneThresholds: true },
  });
  const points = new Map<string, Point[]>(participants.map((participant) => [participant.id, []]));
  const only = participantId === undefined ? Prisma.empty : Prisma.sql`AND participant_id = ${participantId}`;
  if (bucket === 'raw') {
    const rows = await db.$queryRaw`
      SELECT participant_id, (extract(epoch FROM ts) * 1000)::bigint AS t, bpm, zone
      FROM hr_samples WHERE session_id = ${sessionId} ${only}
      ORDER BY participant_id, ts`;
    for (const row of parseRows(sampleRow, rows))
      points.get(row.participant_id)?.push({ t: row.t, bpm: row.bpm, zone: row.zone });
  } else {
    // From the packed minutes (sample-chunks.ts): a bucket starts at a multiple
    // of its width from the Unix epoch; its bpm is the mean of its readings.
    const width = bucketMs[bucket];
    const thresholds = new Map(
      participants.map((participant) => [participant.id, participant.zoneThresholds]),
    );
    for (const [id, samples] of await readSamples(db, sessionId, participantId)) {
      const series = points.get(id);
      if (series !== undefined) series.push(...buckets(samples, width, thresholds.get(id) ?? []));
    }
  }
  return {
    sessionId,
    bucket,
    participants: [...points].map(([id, series]) => ({ participantId: id, points: series })),
  };
}

/** Mean, min, max and count of the readings (bpm > 0) in each bucket, in time order. */
function buckets(
  samples: readonly PackedSample[],
  width: number,
  zoneThresholds: readonly number[],
): Point[] {
  const points: Point[] = [];
  let start = Number.NaN;
  let sum = 0;
  let n = 0;
  let min = 0;
  let max = 0;
  const close = () => {
    if (n === 0) return;
    const mean = Math.round((sum / n) * 10) / 10;
    points.push({ t: start, bpm: mean, zone: zoneOf(mean, zoneThresholds), min, max, n });
  };
  for (const { ts, bpm } of samples) {
    if (bpm <= 0) continue;
    const bucket = Math.floor(ts / width) * width;
    if (bucket !== start) {
      close();
      start = bucket;
      sum = 0;
      n = 0;
      min = bpm;
      max = bpm;
    }
    sum += bpm;
    n += 1;
    if (bpm < min) min = bpm;
    if (bpm > max) max = bpm;
  }
  close();
  return points;
}
