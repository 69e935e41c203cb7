// Month partitions of hr_samples (partitioned by range of ts, UTC months; see
// docs/history-storage.md). The heart-rate projection calls
// ensureMonthPartitions in each batch's transaction before it inserts, so a
// sample's month has its table by the time the row arrives. A row that still
// lands in the default partition (written by something else, or stored before
// partitioning) is moved into its month by the next batch: nothing is refused,
// and nothing stays in the default partition for long. Months exist from year
// 1 to 9999 only (a four-digit name, bounds Postgres and toISOString agree on);
// a sample outside them (an old log's bad clock) stays in the default partition.
import { z } from 'zod';
import { parseRows, Prisma } from '#db';
import type { Tx } from '#eventstore';

export const DEFAULT_PARTITION = 'hr_samples_default';

export interface MonthPartition {
  /** hr_samples_pYYYYMM */
  name: string;
  from: Date;
  to: Date;
}

/** The span month partitions cover, [from, to): beyond it the default partition holds the rows. */
export const MONTHS_FROM = utcMonthStart(1, 0);
export const MONTHS_TO = utcMonthStart(10000, 0);
// Literals, not parameters: Prisma refuses a Date parameter past year 9999 (its ISO string is `+010000-…`).
const coveredByMonths = Prisma.sql`ts >= '0001-01-01 00:00:00+00' AND ts < '10000-01-01 00:00:00+00'`;

const probeRow = z.object({ missing: z.array(z.string()), strays: z.boolean() });
const strayMonth = z.object({ month: z.date() });
const existsRow = z.object({ exists: z.boolean() });

/**
 * The partition that holds `at`: its calendar month in UTC, [from, to); null
 * for a time no month partition covers (before year 1, from year 10000 on, or
 * an invalid Date), whose row stays in the default partition.
 */
export function monthPartition(at: Date): MonthPartition | null {
  if (!(at >= MONTHS_FROM && at < MONTHS_TO)) return null;
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  const from = utcMonthStart(year, month);
  const to = utcMonthStart(year, month + 1);
  const name = `hr_samples_p${String(year).padStart(4, '0')}${String(month + 1).padStart(2, '0')}`;
  return { name, from, to };
}

/** Date.UTC reads years 0–99 as 1900–1999: setUTCFullYear takes them as they are. */
function utcMonthStart(year: number, month: number): Date {
  const start = new Date(0);
  start.setUTCFullYear(year, month, 1);
  return start;
}

/**
 * A partition bound as Postgres reads it: `9999-12-01 00:00:00+00`, `10000-01-01 00:00:00+00`
 * (toISOString writes a year past 9999 as `+010000`, which Postgres refuses).
 */
export function boundLiteral(at: Date): string {
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  const [year, month, day] = [at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate()];
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} 00:00:00+00`;
}

/** One partition per calendar month among `timestamps` (none for a time outside MONTHS_FROM..MONTHS_TO). */
export function monthPartitionsOf(timestamps: Iterable<Date>): MonthPartition[] {
  const months = new Map<string, MonthPartition>();
  for (const at of timestamps) {
    const partition = monthPartition(at);
    if (partition !== null && !months.has(partition.name)) months.set(partition.name, partition);
  }
  return [...months.values()];
}

/**
 * Makes sure every month of `timestamps` has its partition, and empties the
 * default partition into months of their own. Costs one query when all exist:
 * rows no month covers stay in the default partition without making every
 * batch look for their month again.
 */
export async function ensureMonthPartitions(tx: Tx, timestamps: Iterable<Date>): Promise<string[]> {
  const wanted = monthPartitionsOf(timestamps);
  const [probe] = parseRows(
    probeRow,
    await tx.$queryRaw`
      SELECT array(SELECT name FROM unnest(${wanted.map((month) => month.name)}::text[]) AS name
                   WHERE to_regclass(name) IS NULL) AS missing,
             EXISTS (SELECT FROM hr_samples_default WHERE ${coveredByMonths}) AS strays`,
  );
  if (probe === undefined || (probe.missing.length === 0 && !probe.strays)) return [];
  const toCreate = new Map(
    wanted.filter((month) => probe.missing.includes(month.name)).map((month) => [month.name, month]),
  );
  if (probe.strays) {
    const strays = parseRows(
      strayMonth,
      await tx.$queryRaw`
        SELECT DISTINCT date_trunc('month', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month FROM hr_samples_default
        WHERE ${coveredByMonths}`,
    );
    for (const { month } of strays) {
      const partition = monthPartition(month);
      if (partition !== null) toCreate.set(partition.name, partition);
    }
  }
  // One creator at a time across instances; a partition another made meanwhile is skipped.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('hr_samples partitions'))`;
  const created: string[] = [];
  for (const partition of toCreate.values()) {
    if (await createMonthPartition(tx, partition)) created.push(partition.name);
  }
  return created;
}

/**
 * Builds the month's table apart, moves the month's rows out of the default
 * partition into it, and attaches it: attaching then finds no row of that
 * month left in the default partition (which would make it fail), and takes
 * a lighter lock on hr_samples (SHARE UPDATE EXCLUSIVE) than CREATE TABLE ...
 * PARTITION OF would. False when the partition already exists.
 */
async function createMonthPartition(tx: Tx, { name, from, to }: MonthPartition): Promise<boolean> {
  const [found] = parseRows(existsRow, await tx.$queryRaw`SELECT to_regclass(${name}) IS NOT NULL AS exists`);
  if (found?.exists !== false) return false;
  // DDL takes no bind parameters: the name is digits and a fixed prefix, the bounds our own literals.
  const [lower, upper] = [boundLiteral(from), boundLiteral(to)];
  await tx.$executeRawUnsafe(
    `CREATE TABLE "${name}" (LIKE hr_samples INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
  );
  await tx.$executeRawUnsafe(
    `ALTER TABLE "${name}" ADD CONSTRAINT "${name}_pkey" PRIMARY KEY (session_id, participant_id, ts)`,
  );
  await tx.$executeRawUnsafe(
    `WITH moved AS (DELETE FROM ${DEFAULT_PARTITION} WHERE ts >= '${lower}' AND ts < '${upper}' RETURNING *)
     INSERT INTO "${name}" SELECT * FROM moved`,
  );
  await tx.$executeRawUnsafe(
    `ALTER TABLE hr_samples ATTACH PARTITION "${name}" FOR VALUES FROM ('${lower}') TO ('${upper}')`,
  );
  return true;
}
