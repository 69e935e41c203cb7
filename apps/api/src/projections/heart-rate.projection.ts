// History of every accepted sample, from the HR stream. The table's primary
// key (class, athlete, timestamp) makes a sample stored once however often
// its event is delivered. hr_samples is partitioned by month of ts
// (docs/history-storage.md): each batch first makes sure its months have a
// partition, then goes in as one statement: a multi-row INSERT ... ON CONFLICT
// DO NOTHING, and the rows it added packed onto their minute's chunk
// (sample-chunks.ts), without a round trip through Node.
import { eventSubjects, heartRateSamplesOf, isHeartRateEvent, streams } from '#contracts';
import type { Projection } from '#eventstore';
import { ensureMonthPartitions } from './hr-sample-partitions.js';

/** A row as the statement's `jsonb_to_recordset` reads it (short keys: the batch is one JSON parameter). */
type SampleRecord = {
  s: string;
  p: string;
  t: number;
  bpm: number;
  zone: number;
  max_hr: number | null;
  rr_ms: number[];
  contact: boolean | null;
  battery: number | null;
};

export const heartRateProjection: Projection = {
  name: 'api-heart-rate',
  stream: streams.heartRate.name,
  filterSubject: eventSubjects.allHeartRate,
  async apply(tx, events) {
    const rows: SampleRecord[] = [];
    for (const { event } of events) {
      if (!isHeartRateEvent(event)) continue;
      const { sessionId, samples } = heartRateSamplesOf(event);
      for (const { participantId, ts, bpm, zone, maxHr, rrMs, contact, battery } of samples) {
        rows.push({
          s: sessionId,
          p: participantId,
          t: ts,
          bpm,
          zone,
          max_hr: maxHr ?? null,
          rr_ms: rrMs ?? [],
          contact: contact ?? null,
          battery: battery ?? null,
        });
      }
    }
    if (rows.length === 0) return;
    await ensureMonthPartitions(
      tx,
      rows.map((row) => new Date(row.t)),
    );
    // One statement for the batch: the rows, then the ones it newly stored (a
    // copy of a stored sample is skipped by the key) packed onto their minute's
    // chunk, so a chunk too holds each sample once. Nothing comes back to Node.
    await tx.$executeRaw`
      WITH inserted AS (
        INSERT INTO hr_samples (session_id, participant_id, ts, bpm, zone, max_hr, rr_ms, contact, battery)
        SELECT r.s, r.p, to_timestamp(r.t / 1000.0), r.bpm, r.zone, r.max_hr, r.rr_ms, r.contact, r.battery
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          AS r(s text, p text, t bigint, bpm smallint, zone smallint, max_hr smallint, rr_ms real[], contact boolean, battery smallint)
        ON CONFLICT DO NOTHING
        RETURNING session_id, participant_id, round(date_part('epoch', ts) * 1000)::int8 AS t, bpm, max_hr
      ),
      by_minute AS (
        SELECT session_id, participant_id, t - t % 60000 AS m, t % 60000 AS offset_ms, bpm, max_hr FROM inserted
      )
      -- Four bytes a sample (sample-chunks.ts): offset in the minute (uint16), bpm, max HR (0: none).
      INSERT INTO hr_sample_chunks (session_id, participant_id, minute, samples)
      SELECT session_id, participant_id, to_timestamp(m / 1000.0),
             string_agg(substring(int8send((offset_ms << 16) | (bpm::int8 << 8) | coalesce(max_hr, 0)::int8) FROM 5 FOR 4),
                        ''::bytea ORDER BY offset_ms)
      FROM by_minute
      GROUP BY session_id, participant_id, m
      ON CONFLICT (session_id, participant_id, minute)
      DO UPDATE SET samples = hr_sample_chunks.samples || EXCLUDED.samples`;
  },
};
