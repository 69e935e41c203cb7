// Where a studio's Spotify credentials (its OAuth access and refresh tokens)
// live: Postgres, encrypted. A refresh is claimed with a lease in the account
// row (one conditional UPDATE), so across every worker instance one refreshes
// and the others read its result, and no lock or connection is held while
// Spotify answers. The result is written only while the claimer still holds
// the lease: one that outlived it writes nothing.
import { z } from 'zod';
import { parseRows, type Db } from '#db';
import { CredentialCipher } from './credential-cipher.js';

export type AccountStatus = 'connected' | 'needs-auth';

export interface StoredCredentials {
  studioId: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  expiresAt: number;
  scope: string;
  status: AccountStatus;
}

export interface CredentialStore {
  load(studioId: string): Promise<StoredCredentials | null>;
  /** A sign-in's tokens: replace whatever is stored, and void any refresh in flight. */
  save(tokens: StoredCredentials): Promise<void>;
  /**
   * Takes the studio's refresh lease for `leaseMs` when nobody holds it (or its
   * holder's lease expired) and the account is connected; the tokens as they
   * are now, or null when someone else holds it (or there is nothing to refresh).
   */
  claimRefresh(studioId: string, owner: string, leaseMs: number): Promise<StoredCredentials | null>;
  /** Writes a refresh's result and frees the lease, only while `owner` still holds it. */
  finishRefresh(owner: string, tokens: StoredCredentials): Promise<boolean>;
  /** Frees the lease without writing (the refresh failed for a passing reason). */
  releaseRefresh(studioId: string, owner: string): Promise<void>;
  /** Studios whose account is connected (the ones to poll). */
  connectedStudios(): Promise<string[]>;
}

/** Raw rows are parsed like any data from outside. */
const accountRow = z.object({
  studioId: z.string(),
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresAt: z.date(),
  scope: z.string(),
  status: z.string(),
});

type AccountRow = z.infer<typeof accountRow>;

export class UnreadableCredentialError extends Error {
  override readonly name = 'UnreadableCredentialError';
}

export class PgCredentialStore implements CredentialStore {
  private readonly cipher: CredentialCipher;

  constructor(
    private readonly db: Db,
    key: Buffer,
  ) {
    this.cipher = new CredentialCipher(key);
  }

  private decode(row: AccountRow): StoredCredentials {
    const access = this.cipher.decrypt(row.accessToken, `${row.studioId}:access`);
    const refresh = this.cipher.decrypt(row.refreshToken, `${row.studioId}:refresh`);
    // Never the token itself in the message: only which studio and why.
    if (!access.ok) throw new UnreadableCredentialError(`access token of ${row.studioId}: ${access.reason}`);
    if (!refresh.ok)
      throw new UnreadableCredentialError(`refresh token of ${row.studioId}: ${refresh.reason}`);
    return {
      studioId: row.studioId,
      accessToken: access.plaintext,
      refreshToken: refresh.plaintext,
      expiresAt: row.expiresAt.getTime(),
      scope: row.scope,
      status: row.status === 'needs-auth' ? 'needs-auth' : 'connected',
    };
  }

  private encode(tokens: StoredCredentials) {
    return {
      accessToken: this.cipher.encrypt(tokens.accessToken, `${tokens.studioId}:access`),
      refreshToken: this.cipher.encrypt(tokens.refreshToken, `${tokens.studioId}:refresh`),
      expiresAt: new Date(tokens.expiresAt),
      scope: tokens.scope,
      status: tokens.status,
      updatedAt: new Date(),
    };
  }

  async load(studioId: string): Promise<StoredCredentials | null> {
    const row = await this.db.spotifyAccount.findUnique({ where: { studioId } });
    return row === null ? null : this.decode(row);
  }

  async save(tokens: StoredCredentials): Promise<void> {
    const data = { ...this.encode(tokens), refreshLeaseOwner: null, refreshLeaseUntil: null };
    await this.db.spotifyAccount.upsert({
      where: { studioId: tokens.studioId },
      create: { studioId: tokens.studioId, ...data },
      update: data,
    });
  }

  async claimRefresh(studioId: string, owner: string, leaseMs: number): Promise<StoredCredentials | null> {
    // One statement: of two instances claiming at once, one updates the row and the other
    // (blocked for that statement only) sees the new lease and matches nothing.
    const rows = await this.db.$queryRaw`
      UPDATE spotify_accounts
      SET refresh_lease_owner = ${owner},
          refresh_lease_until = now() + make_interval(secs => ${leaseMs / 1000})
      WHERE studio_id = ${studioId} AND status = 'connected'
        AND (refresh_lease_until IS NULL OR refresh_lease_until < now())
      RETURNING studio_id AS "studioId", access_token AS "accessToken", refresh_token AS "refreshToken",
                expires_at AS "expiresAt", scope, status`;
    const [row] = parseRows(accountRow, rows);
    return row === undefined ? null : this.decode(row);
  }

  async finishRefresh(owner: string, tokens: StoredCredentials): Promise<boolean> {
    const written = await this.db.spotifyAccount.updateMany({
      where: { studioId: tokens.studioId, refreshLeaseOwner: owner },
      data: {
        ...this.encode(tokens),
        refreshedCount: { increment: 1 },
        refreshLeaseOwner: null,
        refreshLeaseUntil: null,
      },
    });
    return written.count === 1;
  }

  async releaseRefresh(studioId: string, owner: string): Promise<void> {
    await this.db.spotifyAccount.updateMany({
      where: { studioId, refreshLeaseOwner: owner },
      data: { refreshLeaseOwner: null, refreshLeaseUntil: null },
    });
  }

  async connectedStudios(): Promise<string[]> {
    const rows = await this.db.spotifyAccount.findMany({
      where: { status: 'connected' },
      select: { studioId: true },
    });
    return rows.map((row) => row.studioId);
  }
}
