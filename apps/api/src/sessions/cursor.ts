// Keyset cursors: base64url JSON of the last row's sort key (created_at, id).
// They are opaque to clients but parsed like any outside input, so a tampered
// one is a 400, never a 500.
import { parseWith, sessionCursorKey, type ParseResult, type SessionCursorKey } from '#contracts';
import type { Prisma } from '#db';
import { BadInputError } from '../http/errors.js';

export function encodeCursor(key: { createdAt: Date; id: string }): string {
  const body: SessionCursorKey = { createdAt: key.createdAt.getTime(), id: key.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): ParseResult<SessionCursorKey> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, error: 'not a cursor this API returned' };
  }
  return parseWith(sessionCursorKey, json);
}

/** The cursor's key, or a 400 naming the `cursor` parameter. */
export function cursorKey(cursor: string | undefined): SessionCursorKey | undefined {
  if (cursor === undefined) return undefined;
  const decoded = decodeCursor(cursor);
  if (!decoded.ok) {
    throw new BadInputError('invalid query', [
      { path: 'cursor', message: `not a cursor this API returned (${decoded.error})` },
    ]);
  }
  return decoded.value;
}

/**
 * Rows after the cursor in the order newest first, then id ascending: the
 * order of the index sessions(studio_id, created_at desc, id), so a page is
 * one index range scan.
 */
export function afterCursor(key: SessionCursorKey | undefined): Prisma.SessionWhereInput {
  if (key === undefined) return {};
  const createdAt = new Date(key.createdAt);
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { gt: key.id } }] };
}

export const sessionOrder = [
  { createdAt: 'desc' },
  { id: 'asc' },
] satisfies Prisma.SessionOrderByWithRelationInput[];

/** Takes one row more than the page to know whether another page follows. */
export function page<Row extends { createdAt: Date; id: string }>(
  rows: Row[],
  limit: number,
): { rows: Row[]; next: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return { rows: pageRows, next: rows.length > limit && last !== undefined ? encodeCursor(last) : null };
}
