// History of every accepted sample, from the HR stream. The table's primary
// key (class, athlete, timestamp) makes a sample stored once however often
// its event is delivered. hr_samples is partitioned by month of ts
// (docs/history-storage.md): each batch first makes sure its months have a
// partition, then goes in as one multi-row INSERT ... ON CONFLICT DO NOTHING,
// and the rows it added are packed into their minute's chunk (sample-chunks.ts).
import { eventSubjects, heartRateSamplesOf, isHeartRateEvent, streams } from '#contracts';
import type { Projection } from '#eventstore';
import { ensureMonthPartitions } from './hr-sample-partitions.js';
import { appendToChunks } from './sample-chunks.js';

type SampleRow = {
  sessionId: string;
  participantId: string;
  ts: number;
  bpm: number;
  zone: number;
  maxHr: number | null;
  rrMs: number[];
  contact: boolean | null;
  battery: number | null;
};

export const heartRateProjection: Projection = {
  name: 'api-heart-rate',
  stream: streams.heartRate.name,
  filterSubject: eventSubjects.allHeartRate,
  async apply(tx, events) {
    const rows: SampleRow[] = [];
    for (const { event } of events) {
      if (!isHeartRateEvent(event)) continue;
      const { sessionId, samples } = heartRateSamplesOf(event);
      for (const { participantId, ts, bpm, zone, maxHr, rrMs, contact, battery } of samples) {
        rows.push({
          sessionId,
          participantId,
          ts,
          bpm,
          zone,
          maxHr: maxHr ?? null,
          rrMs: rrMs ?? [],
          contact: contact ?? null,
          battery: battery ?? null,
        });
      }
    }
    if (rows.length === 0) return;
    await ensureMonthPartitions(
      tx,
      rows.map((row) => new Date(row.ts)),
    );
    // One statement for the batch; RETURNING gives the rows that were new (a
    // copy of a stored sample is skipped by the key), and only those go into
    // the chunks, so a chunk too holds each sample once.
    const inserted = await tx.$queryRaw<
      Array<{ s: string; p: string; t: number; bpm: number; max_hr: number | null }>
    >`
      INSERT INTO hr_samples (session_id, participant_id, ts, bpm, zone, max_hr, rr_ms, contact, battery)
      SELECT r.s, r.p, to_timestamp(r.t / 1000.0), r.bpm, r.zone, r.max_hr, r.rr_ms, r.contact, r.battery
      FROM jsonb_to_recordset(${JSON.stringify(rows.map(toRecord))}::jsonb)
        AS r(s text, p text, t bigint, bpm smallint, zone smallint, max_hr smallint, rr_ms real[], contact boolean, battery smallint)
      ON CONFLICT DO NOTHING
      RETURNING session_id AS s, participant_id AS p, round(date_part('epoch', ts) * 1000) AS t, bpm, max_hr`;
    await appendToChunks(
      tx,
      inserted.map((row) => ({
        sessionId: row.s,
        participantId: row.p,
        ts: Number(row.t),
        bpm: row.bpm,
        maxHr: row.max_hr,
      })),
    );
  },
};

const toRecord = (row: SampleRow) => ({
  s: row.sessionId,
  p: row.participantId,
  t: row.ts,
  bpm: row.bpm,
  zone: row.zone,
  max_hr: row.maxHr,
  rr_ms: row.rrMs,
  contact: row.contact,
  battery: row.battery,
});
