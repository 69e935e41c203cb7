// A class's samples packed by athlete and minute (table hr_sample_chunks):
// four bytes a sample, offset in the minute (ms, uint16 big-endian), bpm
// (uint8) and the max HR the sample was taken under (uint8, 0 for none).
// The heart-rate projection packs the samples it newly stores onto their
// chunk in the same statement (heart-rate.projection.ts), so a chunk holds
// each stored sample once; the summary and the bucketed series read a whole
// class as a few rows.
import { z } from 'zod';
import { parseRows, type Db } from '#db';

const BYTES_PER_SAMPLE = 4;

export type PackedSample = { ts: number; bpm: number; maxHr: number | null };

/** A chunk as read: its minute in epoch ms, its samples in base64. */
const chunkRow = z.object({ participant_id: z.string(), m: z.number(), b: z.string() });

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
      ? await db.$queryRaw`
          SELECT participant_id, round(date_part('epoch', minute) * 1000) AS m, encode(samples, 'base64') AS b
          FROM hr_sample_chunks WHERE session_id = ${sessionId} ORDER BY participant_id, minute`
      : await db.$queryRaw`
          SELECT participant_id, round(date_part('epoch', minute) * 1000) AS m, encode(samples, 'base64') AS b
          FROM hr_sample_chunks WHERE session_id = ${sessionId} AND participant_id = ${participantId}
          ORDER BY minute`;
  const byParticipant = new Map<string, PackedSample[]>();
  for (const row of parseRows(chunkRow, rows)) {
    let samples = byParticipant.get(row.participant_id);
    if (samples === undefined) byParticipant.set(row.participant_id, (samples = []));
    const from = samples.length;
    unpackSamples(row.m, Buffer.from(row.b, 'base64'), samples);
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
