// A class's samples packed by athlete and minute (table hr_sample_chunks):
// four bytes a sample, offset in the minute (ms, uint16 big-endian), bpm
// (uint8) and the max HR the sample was taken under (uint8, 0 for none).
// The heart-rate projection appends the samples it newly stores to their
// chunk in the same transaction, so a chunk holds each stored sample once;
// the summary and the bucketed series read a whole class as a few rows.
import type { Db } from '#db';
import type { Tx } from '#eventstore';

const MINUTE_MS = 60_000;
const BYTES_PER_SAMPLE = 4;

export type PackedSample = { ts: number; bpm: number; maxHr: number | null };

const minuteOf = (ts: number) => Math.floor(ts / MINUTE_MS) * MINUTE_MS;

/** Packs samples of one minute (any order). */
export function packSamples(minute: number, samples: readonly PackedSample[]): Buffer {
  const buffer = Buffer.alloc(samples.length * BYTES_PER_SAMPLE);
  samples.forEach((sample, index) => {
    const at = index * BYTES_PER_SAMPLE;
    buffer.writeUInt16BE(sample.ts - minute, at);
    buffer.writeUInt8(sample.bpm, at + 2);
    buffer.writeUInt8(sample.maxHr ?? 0, at + 3);
  });
  return buffer;
}

/** Unpacks a chunk, appending its samples to `into`. */
export function unpackSamples(minute: number, packed: Buffer, into: PackedSample[]): void {
  for (let at = 0; at + BYTES_PER_SAMPLE <= packed.length; at += BYTES_PER_SAMPLE) {
    const maxHr = packed.readUInt8(at + 3);
    into.push({
      ts: minute + packed.readUInt16BE(at),
      bpm: packed.readUInt8(at + 2),
      maxHr: maxHr === 0 ? null : maxHr,
    });
  }
}

/** Appends newly stored samples to their athlete's minute. */
export async function appendToChunks(
  tx: Tx,
  rows: ReadonlyArray<PackedSample & { sessionId: string; participantId: string }>,
): Promise<void> {
  const chunks = new Map<string, { s: string; p: string; m: number; samples: PackedSample[] }>();
  for (const row of rows) {
    const minute = minuteOf(row.ts);
    const key = `${row.sessionId}\u0000${row.participantId}\u0000${minute}`;
    let chunk = chunks.get(key);
    if (chunk === undefined) {
      chunk = { s: row.sessionId, p: row.participantId, m: minute, samples: [] };
      chunks.set(key, chunk);
    }
    chunk.samples.push(row);
  }
  if (chunks.size === 0) return;
  const payload = JSON.stringify(
    [...chunks.values()].map(({ s, p, m, samples }) => ({
      s,
      p,
      m,
      b: packSamples(m, samples).toString('base64'),
    })),
  );
  await tx.$executeRaw`
    INSERT INTO hr_sample_chunks (session_id, participant_id, minute, samples)
    SELECT c.s, c.p, to_timestamp(c.m / 1000.0), decode(c.b, 'base64')
    FROM jsonb_to_recordset(${payload}::jsonb) AS c(s text, p text, m bigint, b text)
    ON CONFLICT (session_id, participant_id, minute)
    DO UPDATE SET samples = hr_sample_chunks.samples || EXCLUDED.samples`;
}

/**
 * A class's samples by athlete, in timestamp order (within a minute they are in
 * the order they were stored: a late sample is put in its place here).
 */
export async function readSamples(
  db: Db,
  sessionId: string,
  participantId?: string,
): Promise<Map<string, PackedSample[]>> {
  const rows =
    participantId === undefined
      ? await db.$queryRaw<Array<{ participant_id: string; m: number; b: string }>>`
          SELECT participant_id, round(date_part('epoch', minute) * 1000) AS m, encode(samples, 'base64') AS b
          FROM hr_sample_chunks WHERE session_id = ${sessionId} ORDER BY participant_id, minute`
      : await db.$queryRaw<Array<{ participant_id: string; m: number; b: string }>>`
          SELECT participant_id, round(date_part('epoch', minute) * 1000) AS m, encode(samples, 'base64') AS b
          FROM hr_sample_chunks WHERE session_id = ${sessionId} AND participant_id = ${participantId}
          ORDER BY minute`;
  const byParticipant = new Map<string, PackedSample[]>();
  for (const row of rows) {
    let samples = byParticipant.get(row.participant_id);
    if (samples === undefined) byParticipant.set(row.participant_id, (samples = []));
    const from = samples.length;
    unpackSamples(Number(row.m), Buffer.from(row.b, 'base64'), samples);
    if (!ascendingFrom(samples, from)) sortTail(samples, from);
  }
  return byParticipant;
}

function ascendingFrom(samples: PackedSample[], from: number): boolean {
  for (let index = Math.max(1, from); index < samples.length; index++) {
    if ((samples[index - 1]?.ts ?? 0) > (samples[index]?.ts ?? 0)) return false;
  }
  return true;
}

function sortTail(samples: PackedSample[], from: number): void {
  const tail = samples.splice(from).sort((a, b) => a.ts - b.ts);
  samples.push(...tail);
}
