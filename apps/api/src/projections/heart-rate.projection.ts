// History of every accepted sample, from the HR stream. The table's primary
// key (class, athlete, timestamp) makes a sample stored once however often
// its event is delivered.
import { eventSubjects, streams } from '#contracts';
import type { Projection } from '#eventstore';

export const heartRateProjection: Projection = {
  name: 'api-heart-rate',
  stream: streams.heartRate.name,
  filterSubject: eventSubjects.allHeartRate,
  async apply(tx, events) {
    const rows = [];
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
    if (rows.length > 0) await tx.hrSample.createMany({ data: rows, skipDuplicates: true });
  },
};
