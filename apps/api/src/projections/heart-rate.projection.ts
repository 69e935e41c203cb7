// History of every accepted sample, from the HR stream. The table's primary
// key (class, athlete, timestamp) makes a sample stored once however often
// its event is delivered. hr_samples is partitioned by month of ts
// (docs/history-storage.md): each batch first makes sure its months have a
// partition, then goes in as one multi-row INSERT ... ON CONFLICT DO NOTHING.
import { eventSubjects, streams } from '#contracts';
import type { Projection } from '#eventstore';
import { ensureMonthPartitions } from './hr-sample-partitions.js';

type SampleRow = {
  sessionId: string;
  participantId: string;
  ts: Date;
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
      if (event.type !== 'heart-rate.recorded') continue;
      const { sessionId, participantId, ts, bpm, zone, maxHr, rrMs, contact, battery } = event.data;
      rows.push({
        sessionId,
        participantId,
        ts: new Date(ts),
        bpm,
        zone,
        maxHr: maxHr ?? null,
        rrMs: rrMs ?? [],
        contact: contact ?? null,
        battery: battery ?? null,
      });
    }
    if (rows.length === 0) return;
    await ensureMonthPartitions(
      tx,
      rows.map((row) => row.ts),
    );
    await tx.hrSample.createMany({ data: rows, skipDuplicates: true });
  },
};
