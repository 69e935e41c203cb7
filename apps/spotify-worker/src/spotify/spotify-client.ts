// The typed adapter around spotify-web-api-node: every call answers a
// discriminated union, every JSON body Spotify sends is parsed by zod, and no
// token, code or secret ever reaches an error message.
import SpotifyWebApi from 'spotify-web-api-node';
import { z } from 'zod';
import type { SpotifyCommandRequest } from '#contracts';
import { rewriteSpotifyUri, useSpotifyHosts, type SpotifyHosts } from './spotify-hosts.js';
import {
  apiErrorJson,
  authErrorJson,
  playbackJson,
  toPlayback,
  tokenGrantJson,
  type Playback,
} from './spotify-json.js';

/** What playback needs: read the player, control it. */
export const SPOTIFY_SCOPES = [
  'user-read-playback-state',
  'user-modify-playback-state',
  'user-read-currently-playing',
] as const;

export type SpotifyFailure =
  | { kind: 'unauthorized' }
  | { kind: 'invalid-grant' }
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'no-active-device' }
  | { kind: 'premium-required' }
  | { kind: 'server-error'; status: number }
  | { kind: 'network'; message: string }
  | { kind: 'bad-response'; message: string };

export type SpotifyResult<T> = { ok: true; value: T } | { ok: false; error: SpotifyFailure };

export interface TokenGrant {
  accessToken: string;
  /** null when Spotify sent none (a refresh without rotation): keep the old one. */
  refreshToken: string | null;
  expiresInS: number;
  scope: string;
}

export interface SpotifyCredentials extends SpotifyHosts {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** What the library hands back, and what it throws (WebapiError has statusCode, headers, body). */
const libraryResponse = z.object({ statusCode: z.number(), body: z.unknown() });
const libraryError = z.object({
  statusCode: z.number(),
  headers: z.record(z.string(), z.unknown()).optional(),
  body: z.unknown(),
});

function retryAfterMs(headers: Record<string, unknown> | undefined): number {
  const value = headers?.['retry-after'];
  const seconds = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  // Spotify always sends it with 429; without one, a cautious default.
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : 5000;
}

/** A failed call, classified. `command`: 404 and 403 mean no device and no Premium. */
export function classifyFailure(thrown: unknown, command = false): SpotifyFailure {
  const parsed = libraryError.safeParse(thrown);
  if (!parsed.success) {
    const code = typeof thrown === 'object' && thrown !== null && 'code' in thrown ? String(thrown.code) : '';
    return { kind: 'network', message: code || (thrown instanceof Error ? thrown.name : 'request failed') };
  }
  const { statusCode, headers, body } = parsed.data;
  const auth = authErrorJson.safeParse(body);
  if (auth.success && auth.data.error === 'invalid_grant') return { kind: 'invalid-grant' };
  if (statusCode === 401) return { kind: 'unauthorized' };
  if (statusCode === 429) return { kind: 'rate-limited', retryAfterMs: retryAfterMs(headers) };
  if (statusCode >= 500) return { kind: 'server-error', status: statusCode };
  const reason = apiErrorJson.safeParse(body).data?.error.reason;
  if (reason === 'NO_ACTIVE_DEVICE' || (command && statusCode === 404)) return { kind: 'no-active-device' };
  if (reason === 'PREMIUM_REQUIRED' || (command && statusCode === 403)) return { kind: 'premium-required' };
  return { kind: 'bad-response', message: `HTTP ${statusCode}` };
}

async function attempt<T>(
  call: () => Promise<unknown>,
  read: (response: z.infer<typeof libraryResponse>) => SpotifyResult<T>,
  command = false,
): Promise<SpotifyResult<T>> {
  let response: unknown;
  try {
    response = await call();
  } catch (error) {
    return { ok: false, error: classifyFailure(error, command) };
  }
  const parsed = libraryResponse.safeParse(response);
  if (!parsed.success) return { ok: false, error: { kind: 'bad-response', message: 'no status' } };
  return read(parsed.data);
}

function grantFrom(body: unknown): SpotifyResult<TokenGrant> {
  const grant = tokenGrantJson.safeParse(body);
  if (!grant.success)
    return { ok: false, error: { kind: 'bad-response', message: 'token answer not understood' } };
  return {
    ok: true,
    value: {
      accessToken: grant.data.access_token,
      refreshToken: grant.data.refresh_token ?? null,
      expiresInS: grant.data.expires_in,
      scope: grant.data.scope ?? '',
    },
  };
}

const done = (): SpotifyResult<void> => ({ ok: true, value: undefined });

export type SpotifyCall = 'exchange-code' | 'refresh' | 'playback' | 'command';

/** Told of every call to Spotify: which, how it ended (`ok` or the failure's kind), in how many seconds. */
export type SpotifyCallObserver = (
  call: SpotifyCall,
  outcome: 'ok' | SpotifyFailure['kind'],
  seconds: number,
) => void;

export class SpotifyClient {
  constructor(
    private readonly credentials: SpotifyCredentials,
    private readonly observe: SpotifyCallObserver = () => undefined,
  ) {
    useSpotifyHosts(credentials);
  }

  private async timed<T>(call: SpotifyCall, run: () => Promise<SpotifyResult<T>>): Promise<SpotifyResult<T>> {
    const started = performance.now();
    const answer = await run();
    this.observe(call, answer.ok ? 'ok' : answer.error.kind, (performance.now() - started) / 1000);
    return answer;
  }

  /** A fresh library instance per call: no token is shared between studios or calls. */
  private api(accessToken?: string): SpotifyWebApi {
    const { clientId, clientSecret, redirectUri } = this.credentials;
    const api = new SpotifyWebApi({ clientId, clientSecret, redirectUri });
    if (accessToken !== undefined) api.setAccessToken(accessToken);
    return api;
  }

  /** The consent page a studio's operator is sent to. */
  authorizeUrl(state: string): string {
    return rewriteSpotifyUri(this.api().createAuthorizeURL([...SPOTIFY_SCOPES], state, true));
  }

  exchangeCode(code: string): Promise<SpotifyResult<TokenGrant>> {
    return this.timed('exchange-code', () =>
      attempt(
        () => this.api().authorizationCodeGrant(code),
        (response) => grantFrom(response.body),
      ),
    );
  }

  refresh(refreshToken: string): Promise<SpotifyResult<TokenGrant>> {
    const api = this.api();
    api.setRefreshToken(refreshToken);
    return this.timed('refresh', () =>
      attempt(
        () => api.refreshAccessToken(),
        (response) => grantFrom(response.body),
      ),
    );
  }

  /** null: nothing plays (204). */
  playback(accessToken: string): Promise<SpotifyResult<Playback | null>> {
    return this.timed('playback', () =>
      attempt(
        () => this.api(accessToken).getMyCurrentPlaybackState(),
        (response): SpotifyResult<Playback | null> => {
          if (response.statusCode === 204) return { ok: true, value: null };
          const parsed = playbackJson.safeParse(response.body);
          if (!parsed.success)
            return { ok: false, error: { kind: 'bad-response', message: 'player answer not understood' } };
          return { ok: true, value: toPlayback(parsed.data) };
        },
      ),
    );
  }

  command(accessToken: string, command: SpotifyCommandRequest): Promise<SpotifyResult<void>> {
    const api = this.api(accessToken);
    const call = (): Promise<unknown> => {
      switch (command.action) {
        case 'play':
          return api.play();
        case 'pause':
          return api.pause();
        case 'next':
          return api.skipToNext();
        case 'previous':
          return api.skipToPrevious();
        case 'volume':
          return api.setVolume(command.volume ?? 0);
        case 'transfer':
          return api.transferMyPlayback([command.deviceId ?? ''], { play: true });
      }
    };
    return this.timed('command', () => attempt(call, done, true));
  }
}
