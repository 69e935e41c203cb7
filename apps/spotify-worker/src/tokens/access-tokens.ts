// A usable access token for a studio: the stored one while it has more than a
// minute left, else one refresh under the studio's lock (see token-store.ts).
// `invalid_grant` marks the studio needs-auth and stops every call for it until
// someone signs in again: no retry storm against Spotify's accounts service.
import type { SpotifyClient, SpotifyFailure } from '../spotify/spotify-client.js';
import type { StoredTokens, TokenStore } from './token-store.js';

/** Refresh this long before expiry, so a token never expires mid-call. */
export const REFRESH_MARGIN_MS = 60_000;

export type AccessTokenError =
  { kind: 'not-connected' } | { kind: 'needs-auth' } | { kind: 'refresh-failed'; failure: SpotifyFailure };

export type AccessTokenResult = { ok: true; accessToken: string } | { ok: false; error: AccessTokenError };

export class AccessTokens {
  constructor(
    private readonly store: TokenStore,
    private readonly spotify: Pick<SpotifyClient, 'refresh'>,
    /** Called once, by the instance whose refresh got invalid_grant, after it is recorded. */
    private readonly onNeedsAuth: (studioId: string) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  private fresh(tokens: StoredTokens): boolean {
    return tokens.expiresAt - REFRESH_MARGIN_MS > this.now();
  }

  async get(studioId: string): Promise<AccessTokenResult> {
    const stored = await this.store.load(studioId);
    if (stored === null) return { ok: false, error: { kind: 'not-connected' } };
    if (stored.status === 'needs-auth') return { ok: false, error: { kind: 'needs-auth' } };
    if (this.fresh(stored)) return { ok: true, accessToken: stored.accessToken };
    return this.refresh(studioId, null);
  }

  /** Spotify refused `rejected` (401): refresh, unless another instance already replaced it. */
  afterUnauthorized(studioId: string, rejected: string): Promise<AccessTokenResult> {
    return this.refresh(studioId, rejected);
  }

  private async refresh(studioId: string, rejected: string | null): Promise<AccessTokenResult> {
    let needsAuth = false;
    const result = await this.store.underLock<AccessTokenResult>(studioId, async (current) => {
      if (current === null) return { result: { ok: false, error: { kind: 'not-connected' } } };
      if (current.status === 'needs-auth') return { result: { ok: false, error: { kind: 'needs-auth' } } };
      // Someone refreshed while we waited for the lock: use theirs.
      const stillUsable = rejected === null ? this.fresh(current) : current.accessToken !== rejected;
      if (stillUsable) return { result: { ok: true, accessToken: current.accessToken } };
      const grant = await this.spotify.refresh(current.refreshToken);
      if (!grant.ok) {
        if (grant.error.kind !== 'invalid-grant') {
          return { result: { ok: false, error: { kind: 'refresh-failed', failure: grant.error } } };
        }
        needsAuth = true;
        return {
          save: { ...current, status: 'needs-auth' },
          result: { ok: false, error: { kind: 'needs-auth' } },
        };
      }
      const next: StoredTokens = {
        ...current,
        accessToken: grant.value.accessToken,
        // Spotify may not rotate it: then the old one stays valid.
        refreshToken: grant.value.refreshToken ?? current.refreshToken,
        expiresAt: this.now() + grant.value.expiresInS * 1000,
        scope: grant.value.scope || current.scope,
        status: 'connected',
      };
      return { save: next, result: { ok: true, accessToken: next.accessToken } };
    });
    if (needsAuth) await this.onNeedsAuth(studioId);
    return result;
  }
}
