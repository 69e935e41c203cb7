// A usable access token for a studio: the stored one while it has more than a
// minute left, else one refresh across every instance, claimed with the row's
// lease (see credential-store.ts); the others poll the row until it has the new
// token or the lease has expired (its holder died), then take it over.
// `invalid_grant` marks the studio needs-auth and stops every call for it until
// someone signs in again: no retry storm against Spotify's accounts service.
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SpotifyClient, SpotifyFailure } from '../spotify/spotify-client.js';
import { SPOTIFY_HTTP_TIMEOUT_MS } from '../spotify/spotify-hosts.js';
import type { StoredCredentials, CredentialStore } from './credential-store.js';

/** Refresh this long before expiry, so a token never expires mid-call. */
export const REFRESH_MARGIN_MS = 60_000;

export interface RefreshTiming {
  /** How long a claim lasts: longer than a Spotify call may take, so a live holder keeps it. */
  leaseMs: number;
  /** How often a caller waiting for another's refresh reads the row again. */
  pollMs: number;
}

export const REFRESH_TIMING: RefreshTiming = { leaseMs: 2 * SPOTIFY_HTTP_TIMEOUT_MS, pollMs: 100 };

export type SpotifyAccessError =
  { kind: 'not-connected' } | { kind: 'needs-auth' } | { kind: 'refresh-failed'; failure: SpotifyFailure };

export type SpotifyAccessResult =
  { ok: true; accessToken: string } | { ok: false; error: SpotifyAccessError };

const notConnected: SpotifyAccessResult = { ok: false, error: { kind: 'not-connected' } };
const needsAuth: SpotifyAccessResult = { ok: false, error: { kind: 'needs-auth' } };
const failed = (failure: SpotifyFailure): SpotifyAccessResult => ({
  ok: false,
  error: { kind: 'refresh-failed', failure },
});

export class SpotifyAccess {
  constructor(
    private readonly store: CredentialStore,
    private readonly spotify: Pick<SpotifyClient, 'refresh'>,
    /** Called once, by the instance whose refresh got invalid_grant, after it is recorded. */
    private readonly onNeedsAuth: (studioId: string) => Promise<void>,
    private readonly now: () => number = Date.now,
    private readonly timing: RefreshTiming = REFRESH_TIMING,
  ) {}

  private fresh(tokens: StoredCredentials): boolean {
    return tokens.expiresAt - REFRESH_MARGIN_MS > this.now();
  }

  async get(studioId: string): Promise<SpotifyAccessResult> {
    const stored = await this.store.load(studioId);
    if (stored === null) return notConnected;
    if (stored.status === 'needs-auth') return needsAuth;
    if (this.fresh(stored)) return { ok: true, accessToken: stored.accessToken };
    return this.refresh(studioId, null);
  }

  /** Spotify refused `rejected` (401): refresh, unless another instance already replaced it. */
  afterUnauthorized(studioId: string, rejected: string): Promise<SpotifyAccessResult> {
    return this.refresh(studioId, rejected);
  }

  /** The answer the stored tokens already give, or null when they need a refresh. */
  private settled(current: StoredCredentials | null, rejected: string | null): SpotifyAccessResult | null {
    if (current === null) return notConnected;
    if (current.status === 'needs-auth') return needsAuth;
    const usable = rejected === null ? this.fresh(current) : current.accessToken !== rejected;
    return usable ? { ok: true, accessToken: current.accessToken } : null;
  }

  private async refresh(studioId: string, rejected: string | null): Promise<SpotifyAccessResult> {
    const owner = crypto.randomUUID();
    // A holder's lease ends within leaseMs, and then this caller takes it: the wait is bounded.
    const giveUpAt = this.now() + this.timing.leaseMs + 10 * this.timing.pollMs;
    for (;;) {
      const settled = this.settled(await this.store.load(studioId), rejected);
      if (settled !== null) return settled;
      const claimed = await this.store.claimRefresh(studioId, owner, this.timing.leaseMs);
      if (claimed !== null) return this.refreshClaimed(claimed, owner, rejected);
      if (this.now() >= giveUpAt)
        return failed({ kind: 'network', message: 'another refresh is still running' });
      await sleep(this.timing.pollMs);
    }
  }

  /** Calls Spotify holding the lease only: no transaction and no connection while it answers. */
  private async refreshClaimed(
    current: StoredCredentials,
    owner: string,
    rejected: string | null,
  ): Promise<SpotifyAccessResult> {
    const { studioId } = current;
    // Another refresh finished between our read and our claim: use its tokens.
    const settled = this.settled(current, rejected);
    if (settled !== null) {
      await this.store.releaseRefresh(studioId, owner);
      return settled;
    }
    const grant = await this.spotify.refresh(current.refreshToken);
    if (!grant.ok) {
      if (grant.error.kind !== 'invalid-grant') {
        await this.store.releaseRefresh(studioId, owner);
        return failed(grant.error);
      }
      if (await this.store.finishRefresh(owner, { ...current, status: 'needs-auth' }))
        await this.onNeedsAuth(studioId);
      return needsAuth;
    }
    const next: StoredCredentials = {
      ...current,
      accessToken: grant.value.accessToken,
      // Spotify may not rotate it: then the old one stays valid.
      refreshToken: grant.value.refreshToken ?? current.refreshToken,
      expiresAt: this.now() + grant.value.expiresInS * 1000,
      scope: grant.value.scope || current.scope,
      status: 'connected',
    };
    // Not written when our lease was taken over (we outlived it): the token Spotify just gave
    // is still good for this call, and the row keeps the newer holder's.
    await this.store.finishRefresh(owner, next);
    return { ok: true, accessToken: next.accessToken };
  }
}
