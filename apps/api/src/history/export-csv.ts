// A class's samples as CSV (RFC 4180), streamed in pages on the primary key
// (session, participant, ts), so a 108k-row class never sits in memory whole.
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { sampleCsvColumns } from '#contracts';
import { z } from 'zod';
import { parseRows, Prisma, wholeNumber, type Db } from '#db';

const PAGE_SIZE = 5000;

/** One CSV field: quoted when it holds a quote, a comma or a line break; quotes doubled. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(fields: ReadonlyArray<string | number | boolean | null>): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

const sampleRow = z.object({
  participant_id: z.string(),
  t: wholeNumber,
  bpm: z.int(),
  zone: z.int(),
  rr: z.string(),
  contact: z.boolean().nullable(),
  battery: z.int().nullable(),
});

/** Writes the header and every stored sample, by participant then ts; stops early if `out` closes. */
export async function writeSamplesCsv(
  db: Db,
  sessionId: string,
  displayNames: ReadonlyMap<string, string>,
  out: Writable,
  pageSize = PAGE_SIZE,
): Promise<void> {
  await write(out, csvLine(sampleCsvColumns));
  let keyset = Prisma.empty;
  while (!out.destroyed) {
    // Postgres prints real[] in its shortest exact form, e.g. 412.1, not 412.100006.
    const rows = parseRows(
      sampleRow,
      await db.$queryRaw`
      SELECT participant_id, (extract(epoch FROM ts) * 1000)::bigint AS t,
             bpm, zone, array_to_string(rr_ms, ';') AS rr, contact, battery
      FROM hr_samples
      WHERE session_id = ${sessionId} ${keyset}
      ORDER BY participant_id, ts
      LIMIT ${pageSize}`,
    );
    if (rows.length > 0) {
      const lines = rows.map((row) =>
        csvLine([
          row.participant_id,
          displayNames.get(row.participant_id) ?? '',
          new Date(row.t).toISOString(),
          row.t,
          row.bpm,
          row.zone,
          row.rr,
          row.contact,
          row.battery,
        ]),
      );
      await write(out, lines.join(''));
    }
    const last = rows.at(-1);
    if (rows.length < pageSize || last === undefined) return;
    const lastTs = new Date(last.t).toISOString();
    keyset = Prisma.sql`AND (participant_id, ts) > (${last.participant_id}, ${lastTs}::timestamptz)`;
  }
}

/** Writes with backpressure: waits for 'drain' when the socket's buffer is full. */
async function write(out: Writable, chunk: string): Promise<void> {
  if (out.destroyed) return;
  if (out.write(chunk)) return;
  // Whichever comes first; the other listener is removed, or every full buffer would leave one behind.
  const settled = new AbortController();
  try {
    await Promise.race([
      once(out, 'drain', { signal: settled.signal }),
      once(out, 'close', { signal: settled.signal }),
    ]);
  } finally {
    settled.abort();
  }
}
