// The CSV export's keyset paging against a real Postgres: pages of 2 rows
// across participants give the same rows, in order, as one page would.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { createDb, type Db } from '#db';
import { createTestDatabase } from '#testing';
import { writeSamplesCsv } from './export-csv.js';

async function csvOf(db: Db, pageSize: number): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeSamplesCsv(db, 's1', new Map([['p1', 'Doe, "Jay"']]), out, pageSize);
  out.end();
  return Buffer.concat(chunks).toString('utf8');
}

describe('writeSamplesCsv', () => {
  let db: Db;

  beforeAll(async () => {
    db = createDb(await createTestDatabase('csv'));
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
    await db.hrSample.createMany({
      data: [
        { sessionId: 's1', participantId: 'p2', ts: at(1), bpm: 120, zone: 2, rrMs: [] },
        { sessionId: 's1', participantId: 'p1', ts: at(2), bpm: 0, zone: 0, rrMs: [] },
        {
          sessionId: 's1',
          participantId: 'p1',
          ts: at(1),
          bpm: 150,
          zone: 3,
          rrMs: [412.1, 420],
          contact: true,
        },
        { sessionId: 's1', participantId: 'p1', ts: at(3), bpm: 151, zone: 3, rrMs: [], battery: 80 },
        { sessionId: 's2', participantId: 'p9', ts: at(1), bpm: 99, zone: 0, rrMs: [] },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await db?.$disconnect();
  });

  it('writes the header and every sample of the class, by participant then ts, in any page size', async () => {
    const expected = [
      'participant_id,display_name,ts_iso,ts_ms,bpm,zone,rr_ms,contact,battery',
      'p1,"Doe, ""Jay""",2026-01-01T00:00:00.001Z,1767225600001,150,3,412.1;420,true,',
      'p1,"Doe, ""Jay""",2026-01-01T00:00:00.002Z,1767225600002,0,0,,,',
      'p1,"Doe, ""Jay""",2026-01-01T00:00:00.003Z,1767225600003,151,3,,,80',
      'p2,,2026-01-01T00:00:00.001Z,1767225600001,120,2,,,',
      '',
    ].join('\r\n');
    expect(await csvOf(db, 5000)).toBe(expected);
    expect(await csvOf(db, 2)).toBe(expected);
    expect(await csvOf(db, 1)).toBe(expected);
  });
});
