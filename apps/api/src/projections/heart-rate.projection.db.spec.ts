// hr_samples as the migrations leave it (partitioned by month of ts) against a
// real Postgres: a sample delivered twice is stored once, samples of different
// months land in their month's partition and read back, and a sample of a
// month nobody planned for (far past or future) is still stored.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HeartRateBatchRecorded, HeartRateRecorded } from '#contracts';
import { createDb, type Db } from '#db';
import type { StoredEvent } from '#eventstore';
import { createTestDatabase } from '#testing';
import { heartRateProjection } from './heart-rate.projection.js';
import { ensureMonthPartitions, monthPartitionsOf } from './hr-sample-partitions.js';
import { readSamples } from './sample-chunks.js';

let seq = 0;
function recorded(
  sessionId: string,
  participantId: string,
  ts: number,
  bpm: number,
  maxHr?: number,
): StoredEvent {
  seq += 1;
  const event: HeartRateRecorded = {
    id: `${sessionId}:${participantId}:${ts}`,
    type: 'heart-rate.recorded',
    occurredAt: ts,
    recordedAt: ts,
    correlationId: 'gw:1',
    causationId: 'HRM_INGRESS:1',
    data: {
      sessionId,
      participantId,
      studioId: 'st',
      deviceId: 'ant:1',
      ts,
      bpm,
      zone: 2,
      pctMax: 60,
      ...(maxHr !== undefined && { maxHr }),
      rrMs: [500],
    },
  };
  return { seq, subject: `hr.${sessionId}.${participantId}`, event };
}

/** What ingest writes: one gateway message's samples of the class, `[participantId, ts, bpm]` each. */
function batch(sessionId: string, samples: Array<[string, number, number]>): StoredEvent {
  seq += 1;
  const first = samples[0]?.[1] ?? 0;
  const event: HeartRateBatchRecorded = {
    id: `${sessionId}:${seq}:${first}`,
    type: 'heart-rate.batch-recorded',
    occurredAt: first,
    recordedAt: first,
    correlationId: 'gw:1',
    causationId: `HRM_INGRESS:${seq}`,
    data: {
      sessionId,
      studioId: 'st',
      gatewayId: 'gw',
      samples: samples.map(([participantId, ts, bpm]) => ({
        participantId,
        deviceId: `ant:${participantId}`,
        ts,
        bpm,
        zone: 3,
        pctMax: 70,
        maxHr: 180,
        contact: true,
      })),
    },
  };
  return { seq, subject: `hr.${sessionId}.gw`, event };
}

describe('hr_samples storage', () => {
  let db: Db;
  const apply = (events: StoredEvent[]) => db.$transaction((tx) => heartRateProjection.apply(tx, events));
  const stored = (sessionId: string) =>
    db.$queryRaw<Array<{ partition: string; ts: Date; bpm: number }>>`
      SELECT tableoid::regclass::text AS partition, ts, bpm FROM hr_samples
      WHERE session_id = ${sessionId} ORDER BY participant_id, ts`;

  beforeAll(async () => {
    db = createDb(await createTestDatabase('hr_storage'));
  }, 60_000);

  afterAll(async () => {
    await db?.$disconnect();
  });

  it('stores a sample delivered twice once, in one batch or in two', async () => {
    const at = Date.UTC(2026, 10, 20, 10, 0, 0);
    await apply([recorded('s-dup', 'p1', at, 120), recorded('s-dup', 'p1', at, 120)]);
    await apply([recorded('s-dup', 'p1', at, 120), recorded('s-dup', 'p1', at + 1000, 121)]);
    expect((await stored('s-dup')).map((row) => [row.ts.getTime(), row.bpm])).toEqual([
      [at, 120],
      [at + 1000, 121],
    ]);
  });

  it('puts samples of two months in their own partitions and reads them back in order', async () => {
    // A class that runs over midnight at the end of a month (UTC).
    const beforeMidnight = Date.UTC(2027, 0, 31, 23, 59, 59);
    await apply([
      recorded('s-months', 'p1', beforeMidnight + 1000, 131),
      recorded('s-months', 'p1', beforeMidnight, 130),
    ]);
    expect(await stored('s-months')).toEqual([
      { partition: 'hr_samples_p202701', ts: new Date(beforeMidnight), bpm: 130 },
      { partition: 'hr_samples_p202702', ts: new Date(beforeMidnight + 1000), bpm: 131 },
    ]);
  });

  it('stores samples far in the past and the future, each in a partition made for it', async () => {
    const past = Date.UTC(1999, 11, 31, 23, 59, 59, 999);
    const future = Date.UTC(2101, 5, 1);
    await apply([recorded('s-far', 'p1', past, 90), recorded('s-far', 'p2', future, 95)]);
    expect(await stored('s-far')).toEqual([
      { partition: 'hr_samples_p199912', ts: new Date(past), bpm: 90 },
      { partition: 'hr_samples_p210106', ts: new Date(future), bpm: 95 },
    ]);
  });

  it('keeps a sample no month partition covers in the default partition, and every batch after it goes on', async () => {
    const lastMonth = Date.UTC(9999, 11, 31, 23, 59, 59);
    const tenThousand = Date.UTC(10000, 0, 1);
    const largestEpochMs = Number.MAX_SAFE_INTEGER; // valid under the event schema: year 287396
    await apply([
      recorded('s-edge', 'p1', lastMonth, 90),
      recorded('s-edge', 'p2', tenThousand, 91),
      recorded('s-edge', 'p3', largestEpochMs, 92),
    ]);
    const rows = await db.$queryRaw<Array<{ partition: string; ts: string }>>`
      SELECT tableoid::regclass::text AS partition, ts::text AS ts FROM hr_samples
      WHERE session_id = 's-edge' ORDER BY participant_id`;
    expect(rows).toEqual([
      { partition: 'hr_samples_p999912', ts: '9999-12-31 23:59:59+00' },
      { partition: 'hr_samples_default', ts: '10000-01-01 00:00:00+00' },
      { partition: 'hr_samples_default', ts: expect.stringMatching(/^287396-/) },
    ]);
    // Those rows stay where they are: the next batches neither fail nor look for their month again.
    const created = await db.$transaction((tx) =>
      ensureMonthPartitions(tx, [new Date(lastMonth), new Date(tenThousand)]),
    );
    expect(created).toEqual([]);
    await apply([recorded('s-edge', 'p4', Date.UTC(2026, 10, 23), 93)]);
    const [count] = await db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM hr_samples WHERE session_id = 's-edge'`;
    expect(count?.n).toBe(4);
  });

  it('moves a row that landed in the default partition into its month with the next batch', async () => {
    const at = new Date(Date.UTC(2042, 2, 3));
    await db.hrSample.createMany({
      data: [{ sessionId: 's-direct', participantId: 'p1', ts: at, bpm: 100, zone: 1, rrMs: [] }],
    });
    expect(await stored('s-direct')).toEqual([{ partition: 'hr_samples_default', ts: at, bpm: 100 }]);
    // A batch of another class and month.
    await apply([recorded('s-other', 'p1', Date.UTC(2026, 10, 21), 101)]);
    expect(await stored('s-direct')).toEqual([{ partition: 'hr_samples_p204203', ts: at, bpm: 100 }]);
    // The key still refuses a second copy once the row has moved.
    await apply([recorded('s-direct', 'p1', at.getTime(), 100)]);
    expect(await stored('s-direct')).toHaveLength(1);
  });

  it('packs each stored sample once into its minute, whatever the copies and the order they come in', async () => {
    const at = Date.UTC(2026, 10, 20, 10, 0, 58_500);
    await apply([recorded('s-pack', 'p1', at + 2000, 122), recorded('s-pack', 'p1', at, 120)]);
    // A redelivered copy, a late sample and the next minute.
    await apply([
      recorded('s-pack', 'p1', at, 120),
      recorded('s-pack', 'p1', at + 1000, 121),
      recorded('s-pack', 'p2', at + 61_000, 90, 185),
    ]);
    const packed = await readSamples(db, 's-pack');
    expect(packed.get('p1')).toEqual([
      { ts: at, bpm: 120, maxHr: null },
      { ts: at + 1000, bpm: 121, maxHr: null },
      { ts: at + 2000, bpm: 122, maxHr: null },
    ]);
    expect(packed.get('p2')).toEqual([{ ts: at + 61_000, bpm: 90, maxHr: 185 }]);
    expect((await readSamples(db, 's-pack', 'p2')).get('p1')).toBeUndefined();
    // The same samples as the record of every sample.
    const rows = await stored('s-pack');
    expect(rows.map((row) => row.ts.getTime())).toEqual([at, at + 1000, at + 2000, at + 61_000]);
  });

  it('stores every sample of a gateway batch, once, beside the earlier one-sample events', async () => {
    const at = Date.UTC(2026, 10, 22, 18, 30, 0);
    await apply([
      // Written before ingest batched: still history.
      recorded('s-batch', 'p1', at, 118),
      batch('s-batch', [
        ['p1', at + 1000, 121],
        ['p2', at + 1200, 140],
      ]),
      // The same samples again under another gateway message, and one new.
      batch('s-batch', [
        ['p1', at + 1000, 121],
        ['p2', at + 1200, 140],
        ['p2', at + 2200, 142],
      ]),
    ]);
    expect((await stored('s-batch')).map((row) => [row.ts.getTime(), row.bpm])).toEqual([
      [at, 118],
      [at + 1000, 121],
      [at + 1200, 140],
      [at + 2200, 142],
    ]);
    const packed = await readSamples(db, 's-batch');
    expect(packed.get('p1')).toEqual([
      { ts: at, bpm: 118, maxHr: null },
      { ts: at + 1000, bpm: 121, maxHr: 180 },
    ]);
    expect(packed.get('p2')?.map((sample) => sample.bpm)).toEqual([140, 142]);
  });

  it('names one partition per calendar month (UTC) of a batch', () => {
    const months = monthPartitionsOf(
      ['2027-01-31T23:59:59Z', '2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z', '0999-12-01T00:00:00Z'].map(
        (iso) => new Date(iso),
      ),
    );
    expect(months.map(({ name, from, to }) => [name, from.toISOString(), to.toISOString()])).toEqual([
      ['hr_samples_p202701', '2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z'],
      ['hr_samples_p202702', '2027-02-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z'],
      ['hr_samples_p099912', '0999-12-01T00:00:00.000Z', '1000-01-01T00:00:00.000Z'],
    ]);
  });
});
