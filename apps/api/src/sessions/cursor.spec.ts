import { describe, expect, it } from '@jest/globals';
import { cursorKey, decodeCursor, encodeCursor, page } from './cursor.js';
import { BadInputError } from '../http/errors.js';

describe('session cursors', () => {
  it('round-trips the sort key of the last row', () => {
    const cursor = encodeCursor({ createdAt: new Date(1_790_000_000_123), id: 's_abc' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ ok: true, value: { createdAt: 1_790_000_000_123, id: 's_abc' } });
  });

  it.each([
    ['not base64 JSON', 'abc'],
    ['an empty object', Buffer.from('{}').toString('base64url')],
    ['a negative time', Buffer.from('{"createdAt":-1,"id":"s"}').toString('base64url')],
    ['an extra field', Buffer.from('{"createdAt":1,"id":"s","x":1}').toString('base64url')],
  ])('refuses %s with a 400 naming the cursor', (_what, cursor) => {
    expect(decodeCursor(cursor).ok).toBe(false);
    expect(() => cursorKey(cursor)).toThrow(BadInputError);
  });

  it('gives a next cursor only when a row beyond the page was read', () => {
    const rows = [1, 2, 3].map((n) => ({ createdAt: new Date(n), id: `s${n}` }));
    expect(page(rows, 3).next).toBeNull();
    const { rows: first, next } = page(rows, 2);
    expect(first).toHaveLength(2);
    expect(next === null ? null : decodeCursor(next)).toEqual({
      ok: true,
      value: { createdAt: 2, id: 's2' },
    });
  });
});
