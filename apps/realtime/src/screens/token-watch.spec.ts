// TokenWatch's rounds, with the database's answer stubbed: which sockets end,
// why, and what happens while the database cannot answer.
import { describe, expect, it } from '@jest/globals';
import { TokenWatch, type ActiveTokens, type TokenEndReason } from './token-watch.js';

function watchWith(active: ActiveTokens, now = () => 10_000) {
  const failures: unknown[] = [];
  const watch = new TokenWatch(active, (error) => failures.push(error), 1000, now);
  const ended: Array<[string, TokenEndReason]> = [];
  const socket = (name: string, tokenId: string, expiresAt: number | null = null) =>
    watch.watch(tokenId, expiresAt, (reason) => ended.push([name, reason]));
  return { watch, ended, failures, socket };
}

describe('TokenWatch', () => {
  it('ends every socket of a token the database no longer lists, and only those', async () => {
    const { watch, ended, socket } = watchWith(async () => new Set(['tok_kept']));
    socket('a', 'tok_revoked');
    socket('b', 'tok_revoked');
    socket('c', 'tok_kept');
    await watch.check();
    expect(ended).toEqual([
      ['a', 'revoked'],
      ['b', 'revoked'],
    ]);
    await watch.check(); // forgotten once ended: told once
    expect(ended).toHaveLength(2);
  });

  it('ends an expired token from what the handshake said, even while the database is down', async () => {
    const { watch, ended, failures, socket } = watchWith(async () => {
      throw new Error('connection refused');
    });
    socket('a', 'tok_expired', 9_000);
    socket('b', 'tok_later', 20_000);
    await watch.check();
    await watch.check();
    expect(ended).toEqual([['a', 'expired']]);
    expect(failures).toHaveLength(1); // logged once per outage, and the other socket stays
  });

  it('does not end a socket that disconnected, or a token that connected while the query ran', async () => {
    let connectDuringQuery: () => void = () => undefined;
    const { watch, ended, socket } = watchWith(async (asked) => {
      connectDuringQuery();
      return new Set(asked.filter((id) => id !== 'tok_revoked'));
    });
    const forget = socket('a', 'tok_revoked');
    forget();
    connectDuringQuery = () => void socket('b', 'tok_new');
    await watch.check();
    expect(ended).toEqual([]);
  });
});
