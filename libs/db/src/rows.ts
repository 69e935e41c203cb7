// Rows of raw SQL ($queryRaw): Prisma cannot know the columns a statement
// selects, so the rows are parsed against the ones it does select, as any
// other input crossing into the process is.
import { z } from 'zod';

/** The rows, each checked against `row` (a ZodError names the column that did not match). */
export function parseRows<Row extends z.ZodType>(row: Row, rows: unknown): z.output<Row>[] {
  return z.array(row).parse(rows);
}

/** A count or an epoch in ms: Postgres bigint arrives as a BigInt, int as a number; either is read as a number. */
export const wholeNumber = z.union([z.bigint(), z.int()]).transform(Number);
