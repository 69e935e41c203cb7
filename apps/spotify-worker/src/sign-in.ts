// Sign-in with Spotify's authorization code flow. The API asks for the URL and
// hands over the callback; the worker keeps the client secret and the Spotify credentials.
// `state` is random, single use and expires: the callback is only accepted for
// a sign-in this platform started, once.
import crypto from 'node:crypto';
import type { Db } from '#db';
import type { SpotifyEvents } from './playback/spotify-events.js';
import type { SpotifyClient } from './spotify/spotify-client.js';
import type { CredentialStore } from './credentials/credential-store.js';

export const STATE_TTL_MS = 10 * 60_000;

export type SignInError =
  | { code: 'not-configured'; message: string }
  | { code: 'not-found'; message: string }
  | { code: 'invalid-state'; message: string }
  | { code: 'spotify-refused'; message: string };

export type SignInResult<T> = { ok: true; value: T } | { ok: false; error: SignInError };

export class SignIn {
  constructor(
    private readonly db: Db,
    private readonly spotify: SpotifyClient | null,
    private readonly store: CredentialStore,
    private readonly events: SpotifyEvents,
    private readonly onConnected: (studioId: string) => void,
  ) {}

  async authorize(studioId: string): Promise<SignInResult<{ url: string }>> {
    if (this.spotify === null) return notConfigured();
    const studio = await this.db.studio.findUnique({ where: { id: studioId }, select: { id: true } });
    if (studio === null) return { ok: false, error: { code: 'not-found', message: 'studio not found' } };
    const state = crypto.randomBytes(24).toString('base64url');
    await this.db.spotifyAuthState.create({
      data: { state, studioId, expiresAt: new Date(Date.now() + STATE_TTL_MS) },
    });
    // Expired states are of no use to anyone: drop them while we are here.
    await this.db.spotifyAuthState.deleteMany({
      where: { expiresAt: { lt: new Date(Date.now() - STATE_TTL_MS) } },
    });
    return { ok: true, value: { url: this.spotify.authorizeUrl(state) } };
  }

  async callback(state: string, code: string): Promise<SignInResult<{ studioId: string }>> {
    if (this.spotify === null) return notConfigured();
    // Used up first, whatever Spotify says next: a state never serves twice.
    const claimed = await this.db.spotifyAuthState.updateManyAndReturn({
      where: { state, usedAt: null, expiresAt: { gt: new Date() } },
      data: { usedAt: new Date() },
      select: { studioId: true },
    });
    const studioId = claimed[0]?.studioId;
    if (studioId === undefined) {
      return {
        ok: false,
        error: { code: 'invalid-state', message: 'unknown, used or expired sign-in state' },
      };
    }
    const grant = await this.spotify.exchangeCode(code);
    if (!grant.ok || grant.value.refreshToken === null) {
      const why = grant.ok ? 'no refresh token' : grant.error.kind;
      return {
        ok: false,
        error: { code: 'spotify-refused', message: `Spotify refused the sign-in (${why})` },
      };
    }
    await this.store.save({
      studioId,
      accessToken: grant.value.accessToken,
      refreshToken: grant.value.refreshToken,
      expiresAt: Date.now() + grant.value.expiresInS * 1000,
      scope: grant.value.scope,
      status: 'connected',
    });
    await this.events.append(studioId, {
      type: 'spotify.connected',
      data: { studioId, scope: grant.value.scope },
    });
    this.onConnected(studioId);
    return { ok: true, value: { studioId } };
  }
}

function notConfigured(): { ok: false; error: SignInError } {
  return {
    ok: false,
    error: { code: 'not-configured', message: 'SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET are not set' },
  };
}
