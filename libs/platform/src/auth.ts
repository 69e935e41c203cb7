// Bearer tokens, shared by the API and the realtime gateway: the bootstrap
// operator token from the environment, or a studio token stored hashed.
import crypto from 'node:crypto';
import type { CommandActor, TokenRole } from '#contracts';
import type { Db } from '#db';

/** Who is calling: the bootstrap admin (every studio), or a token scoped to one studio. */
export type Principal =
  | { kind: 'admin'; tokenId: 'admin' }
  | { kind: 'studio'; tokenId: string; studioId: string; role: TokenRole; expiresAt: Date | null };

/** The caller as a command's owner sees it (it checks the token again when the command arrives). */
export const actorOf = (principal: Principal): CommandActor =>
  principal.kind === 'admin'
    ? { kind: 'admin' }
    : { kind: 'studio', studioId: principal.studioId, role: principal.role, tokenId: principal.tokenId };

/** Tokens are stored as SHA-256 hashes: a leaked table reveals no usable token. */
export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export const generateToken = () => `hrm_${crypto.randomBytes(32).toString('base64url')}`;

/** Constant-time comparison of two secrets of any length. */
export function sameSecret(given: string, expected: string): boolean {
  return crypto.timingSafeEqual(
    crypto.createHash('sha256').update(given).digest(),
    crypto.createHash('sha256').update(expected).digest(),
  );
}

const roles: ReadonlySet<string> = new Set<TokenRole>(['display', 'coach', 'operator']);
const isRole = (role: string): role is TokenRole => roles.has(role);

export class TokenVerifier {
  constructor(
    private readonly db: Db,
    private readonly adminToken: string,
  ) {}

  async verify(token: string | undefined, now = new Date()): Promise<Principal | null> {
    if (!token || token.length > 512) return null;
    if (sameSecret(token, this.adminToken)) return { kind: 'admin', tokenId: 'admin' };
    const row = await this.db.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
    if (row === null || row.revokedAt !== null || row.studioId === null || !isRole(row.role)) return null;
    if (row.expiresAt !== null && row.expiresAt <= now) return null;
    return {
      kind: 'studio',
      tokenId: row.id,
      studioId: row.studioId,
      role: row.role,
      expiresAt: row.expiresAt,
    };
  }
}

/**
 * Which of these studio tokens may still be used at `now`: not revoked, not
 * expired, still stored. One query however many are asked about (realtime asks
 * for every token with a connected socket, once a second).
 */
export async function activeTokenIds(
  db: Db,
  tokenIds: readonly string[],
  now = new Date(),
): Promise<Set<string>> {
  if (tokenIds.length === 0) return new Set();
  const rows = await db.apiToken.findMany({
    where: {
      id: { in: [...tokenIds] },
      revokedAt: null,
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
    },
    select: { id: true },
  });
  return new Set(rows.map((row) => row.id));
}

/** For the owner of a forwarded command: is the token that sent it still valid? (The bootstrap token cannot be revoked.) */
export async function isTokenActive(db: Db, tokenId: string, now = new Date()): Promise<boolean> {
  return (await activeTokenIds(db, [tokenId], now)).has(tokenId);
}
