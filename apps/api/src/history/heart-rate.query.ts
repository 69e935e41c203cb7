// A class's heart-rate history: raw samples, or buckets with mean, min, max
// and count. A bucket's zone is the zone of its mean under the thresholds the
// athlete had in that class. Samples with bpm 0 (no reading) are left out of buckets.
import { Prisma, type Db } from '#db';
import { zoneOf } from '#domain';
import type { HeartRateBucket, HeartRateSeries } from '#contracts';

const bucketMs: Record<Exclude<HeartRateBucket, 'raw'>, number> = {
  '1s': 1000,
  '5s': 5000,
  '30s': 30_000,
  '60s': 60_000,
};

type Point = HeartRateSeries['participants'][number]['points'][number];

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
    const rows = await db.$queryRaw<Array<{ participant_id: string; t: bigint; bpm: number; zone: number }>>`
      SELECT participant_id, (extract(epoch FROM ts) * 1000)::bigint AS t, bpm, zone
      FROM hr_samples WHERE session_id = ${sessionId} ${only}
      ORDER BY participant_id, ts`;
    for (const row of rows)
      points.get(row.participant_id)?.push({ t: Number(row.t), bpm: row.bpm, zone: row.zone });
  } else {
    // date_bin works on the timestamp's integer microseconds (floor on
    // extract(epoch ...), a numeric, costs several times more per row); the
    // bins start at the Unix epoch, so a bucket's t is a multiple of its width.
    const seconds = bucketMs[bucket] / 1000;
    const rows = await db.$queryRaw<
      Array<{ participant_id: string; t: number; bpm: number; min: number; max: number; n: number }>
    >`
      SELECT participant_id, round(date_part('epoch', bin) * 1000) AS t, bpm, min, max, n
      FROM (
        SELECT participant_id, date_bin(make_interval(secs => ${seconds}), ts, timestamptz 'epoch') AS bin,
               avg(bpm)::float8 AS bpm, min(bpm)::int AS min, max(bpm)::int AS max, count(*)::int AS n
        FROM hr_samples WHERE session_id = ${sessionId} AND bpm > 0 ${only}
        GROUP BY participant_id, bin
      ) AS buckets
      ORDER BY participant_id, bin`;
    const thresholds = new Map(
      participants.map((participant) => [participant.id, participant.zoneThresholds]),
    );
    for (const row of rows) {
      const mean = Math.round(row.bpm * 10) / 10;
      points.get(row.participant_id)?.push({
        t: Number(row.t),
        bpm: mean,
        zone: zoneOf(mean, thresholds.get(row.participant_id) ?? []),
        min: row.min,
        max: row.max,
        n: Number(row.n),
      });
    }
  }
  return {
    sessionId,
    bucket,
    participants: [...points].map(([id, series]) => ({ participantId: id, points: series })),
  };
}
