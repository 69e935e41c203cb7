// Where a studio's Spotify tokens live: Postgres, encrypted. A refresh runs
// inside a transaction holding the account row's lock (SELECT ... FOR UPDATE):
// across every worker instance, one refreshes; the others wait on the lock and
// then see its result, so they never spend the refresh token twice.
import type { Db } from '#db';
import { TokenCipher } from './token-cipher.js';

export type AccountStatus = 'connected' | 'needs-auth';

export interface StoredTokens {
  studioId: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
  scope: string;
  status: AccountStatus;
}

/** What a refresh under the lock decided: tokens to write (if any), and its answer. */
export interface LockedOutcome<T> {
  save?: StoredTokens;
  result: T;
}

export interface TokenStore {
  load(studioId: string): Promise<StoredTokens | null>;
  save(tokens: StoredTokens): Promise<void>;
  /**
   * Runs `work` with the studio's current tokens while holding its lock, and
   * writes `save` in the same transaction. Other callers for the same studio
   * wait until it commits, then run with what it wrote.
   */
  underLock<T>(
    studioId: string,
    work: (current: StoredTokens | null) => Promise<LockedOutcome<T>>,
  ): Promise<T>;
  /** Studios whose account is connected (the ones to poll). */
  connectedStudios(): Promise<string[]>;
}

type AccountRow = {
  studioId: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  scope: string;
  status: string;
};

export class UnreadableTokenError extends Error {
  override readonly name = 'UnreadableTokenError';
}

/** A refresh may wait for another instance's (its Spotify call included); then it gives up. */
const LOCK_TRANSACTION_TIMEOUT_MS = 30_000;

export class PgTokenStore implements TokenStore {
  private readonly cipher: TokenCipher;

  constructor(
    private readonly db: Db,
    key: Buffer,
  ) {
    this.cipher = new TokenCipher(key);
  }

  private decode(row: AccountRow): StoredTokens {
    const access = this.cipher.decrypt(row.accessToken, `${row.studioId}:access`);
    const refresh = this.cipher.decrypt(row.refreshToken, `${row.studioId}:refresh`);
    // Never the token itself in the message: only which studio and why.
    if (!access.ok) throw new UnreadableTokenError(`access token of ${row.studioId}: ${access.reason}`);
    if (!refresh.ok) throw new UnreadableTokenError(`refresh token of ${row.studioId}: ${refresh.reason}`);
    return {
      studioId: row.studioId,
      accessToken: access.plaintext,
      refreshToken: refresh.plaintext,
      expiresAt: row.expiresAt.getTime(),
      scope: row.scope,
      status: row.status === 'needs-auth' ? 'needs-auth' : 'connected',
    };
  }

  private encode(tokens: StoredTokens) {
    return {
      accessToken: this.cipher.encrypt(tokens.accessToken, `${tokens.studioId}:access`),
      refreshToken: this.cipher.encrypt(tokens.refreshToken, `${tokens.studioId}:refresh`),
      expiresAt: new Date(tokens.expiresAt),
      scope: tokens.scope,
      status: tokens.status,
      updatedAt: new Date(),
    };
  }

  async load(studioId: string): Promise<StoredTokens | null> {
    const row = await this.db.spotifyAccount.findUnique({ where: { studioId } });
    return row === null ? null : this.decode(row);
  }

  async save(tokens: StoredTokens): Promise<void> {
    const data = this.encode(tokens);
    await this.db.spotifyAccount.upsert({
      where: { studioId: tokens.studioId },
      create: { studioId: tokens.studioId, ...data },
      update: data,
    });
  }

  underLock<T>(
    studioId: string,
    work: (current: StoredTokens | null) => Promise<LockedOutcome<T>>,
  ): Promise<T> {
    return this.db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT studio_id FROM spotify_accounts WHERE studio_id = ${studioId} FOR UPDATE`;
        const row = await tx.spotifyAccount.findUnique({ where: { studioId } });
        const outcome = await work(row === null ? null : this.decode(row));
        if (outcome.save !== undefined) {
          await tx.spotifyAccount.update({
            where: { studioId },
            data: { ...this.encode(outcome.save), refreshedCount: { increment: 1 } },
          });
        }
        return outcome.result;
      },
      { timeout: LOCK_TRANSACTION_TIMEOUT_MS, maxWait: LOCK_TRANSACTION_TIMEOUT_MS },
    );
  }

  async connectedStudios(): Promise<string[]> {
    const rows = await this.db.spotifyAccount.findMany({
      where: { status: 'connected' },
      select: { studioId: true },
    });
    return rows.map((row) => row.studioId);
  }
}
