// A local stand-in for Spotify's accounts service and Web API player endpoints,
// for tests and the demo stack (labelled "demo Spotify (fake)" there). It speaks
// the same HTTP as Spotify for what the worker uses; `switches` make it fail the
// ways Spotify does, and `calls` records what reached it.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTrack {
  id: string;
  name: string;
  artists: string[];
  album: string;
  durationMs: number;
}

export interface FakeSpotifySwitches {
  /** Answer the next N player calls 401 (as if the access token were revoked early). */
  unauthorized: number;
  /** Answer the next N player calls 429 with `Retry-After: retryAfterS`. */
  rateLimited: number;
  retryAfterS: number;
  /** Answer the next N player calls 503. */
  serverErrors: number;
  /** Refuse every refresh with 400 invalid_grant (the refresh token expired or was revoked). */
  invalidGrant: boolean;
  /** Return a new refresh token with each refresh (Spotify may or may not). */
  rotateRefreshToken: boolean;
  /** GET /v1/me/player answers 204: nothing plays. */
  nothingPlaying: boolean;
  /** Playback commands fail: 404 NO_ACTIVE_DEVICE or 403 PREMIUM_REQUIRED. */
  commandFailure: 'no-active-device' | 'premium-required' | null;
  /** Delay before answering a token request, to widen races in tests. */
  tokenDelayMs: number;
  /** Lifetime of the access tokens it issues. */
  accessTokenTtlS: number;
  /** Advance to the next track by itself when one ends (the demo). */
  autoAdvance: boolean;
}

export interface FakeSpotifyCalls {
  /** Every POST /api/token, by grant type. */
  token: { grantType: string; at: number }[];
  player: number;
  /** When each player call arrived (epoch ms). */
  playerAt: number[];
  /** Playback commands that succeeded, e.g. `next`, `volume:40`, `transfer:dev-2`. */
  commands: string[];
}

const defaultTracks: FakeTrack[] = [
  {
    id: 'fake-track-1',
    name: 'Warm-up Groove',
    artists: ['Demo Band'],
    album: 'Studio Mix',
    durationMs: 180_000,
  },
  {
    id: 'fake-track-2',
    name: 'Interval Drive',
    artists: ['Demo Band', 'Guest'],
    album: 'Studio Mix',
    durationMs: 150_000,
  },
  {
    id: 'fake-track-3',
    name: 'Cool-down Waves',
    artists: ['Demo Band'],
    album: 'Studio Mix',
    durationMs: 200_000,
  },
];

const defaultSwitches = (): FakeSpotifySwitches => ({
  unauthorized: 0,
  rateLimited: 0,
  retryAfterS: 1,
  serverErrors: 0,
  invalidGrant: false,
  rotateRefreshToken: false,
  nothingPlaying: false,
  commandFailure: null,
  tokenDelayMs: 0,
  accessTokenTtlS: 3600,
  autoAdvance: false,
});

export interface FakeSpotifyOptions {
  port?: number;
  /** The address it listens on: 127.0.0.1 unless another container must reach it (the compose demo). */
  host?: string;
  clientId?: string;
  clientSecret?: string;
  tracks?: FakeTrack[];
  switches?: Partial<FakeSpotifySwitches>;
}

const randomToken = (prefix: string) => `${prefix}-${crypto.randomBytes(12).toString('base64url')}`;

export class FakeSpotify {
  readonly switches: FakeSpotifySwitches;
  readonly calls: FakeSpotifyCalls = { token: [], player: 0, playerAt: [], commands: [] };
  readonly clientId: string;
  readonly clientSecret: string;
  private readonly tracks: FakeTrack[];
  /** Access token → when it expires (epoch ms). */
  private readonly accessTokens = new Map<string, number>();
  private readonly refreshTokens = new Set<string>();
  private readonly codes = new Set<string>();
  private trackIndex = 0;
  private isPlaying = true;
  /** Epoch ms at which the current track was at position 0 (while playing). */
  private trackStartedAt = Date.now();
  private pausedProgressMs = 0;
  private volumePercent = 60;
  private device = { id: 'fake-device-1', name: 'Studio speaker (fake)', type: 'Speaker' };

  private constructor(
    private readonly server: http.Server,
    options: FakeSpotifyOptions,
  ) {
    this.switches = { ...defaultSwitches(), ...options.switches };
    this.clientId = options.clientId ?? 'fake-client-id';
    this.clientSecret = options.clientSecret ?? 'fake-client-secret';
    this.tracks = options.tracks ?? defaultTracks;
  }

  static async start(options: FakeSpotifyOptions = {}): Promise<FakeSpotify> {
    const server = http.createServer();
    const fake = new FakeSpotify(server, options);
    server.on('request', (request, response) => {
      fake.handle(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
    // A port in use rejects here (as EADDRINUSE) rather than crashing on an unhandled 'error'.
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return fake;
  }

  get url(): string {
    const address = this.server.address();
    const port = typeof address === 'object' && address !== null ? (address satisfies AddressInfo).port : 0;
    return `http://127.0.0.1:${port}`;
  }

  /** Tokens as if a user had signed in (tests seed a studio with these). */
  issueTokens(ttlS = this.switches.accessTokenTtlS): {
    accessToken: string;
    refreshToken: string;
    expiresInS: number;
  } {
    const accessToken = randomToken('fake-access');
    const refreshToken = randomToken('fake-refresh');
    this.accessTokens.set(accessToken, Date.now() + ttlS * 1000);
    this.refreshTokens.add(refreshToken);
    return { accessToken, refreshToken, expiresInS: ttlS };
  }

  /** A code for the authorization-code grant, as Spotify's redirect would carry it. */
  issueCode(): string {
    const code = randomToken('fake-code');
    this.codes.add(code);
    return code;
  }

  refreshCalls(): number {
    return this.calls.token.filter((call) => call.grantType === 'refresh_token').length;
  }

  currentTrack(): FakeTrack | undefined {
    return this.tracks[this.trackIndex];
  }

  /** Changes the track as if someone had skipped on the Spotify app. */
  skipTo(index: number): void {
    this.trackIndex = ((index % this.tracks.length) + this.tracks.length) % this.tracks.length;
    this.trackStartedAt = Date.now();
    this.pausedProgressMs = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private progressMs(): number {
    const track = this.currentTrack();
    if (!this.isPlaying) return this.pausedProgressMs;
    let progress = Date.now() - this.trackStartedAt;
    if (track !== undefined && progress >= track.durationMs && this.switches.autoAdvance) {
      this.skipTo(this.trackIndex + 1);
      progress = 0;
    }
    return Math.min(progress, track?.durationMs ?? progress);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const body = await readBody(request);
    const route = `${request.method ?? 'GET'} ${url.pathname}`;
    if (route === 'GET /authorize') return this.authorize(url, response);
    if (route === 'POST /api/token') return this.token(request, body, response);
    if (url.pathname.startsWith('/v1/me/player')) return this.player(route, url, body, request, response);
    json(response, 404, { error: { status: 404, message: 'Service not found' } });
  }

  /** Spotify's consent page, approved at once: back to the app with a code and the state. */
  private authorize(url: URL, response: http.ServerResponse): void {
    const redirect = url.searchParams.get('redirect_uri');
    const state = url.searchParams.get('state');
    if (url.searchParams.get('client_id') !== this.clientId || redirect === null || state === null) {
      json(response, 400, { error: 'invalid_request' });
      return;
    }
    const target = new URL(redirect);
    target.searchParams.set('code', this.issueCode());
    target.searchParams.set('state', state);
    response.writeHead(302, { location: target.toString() }).end();
  }

  private async token(
    request: http.IncomingMessage,
    body: string,
    response: http.ServerResponse,
  ): Promise<void> {
    const form = new URLSearchParams(body);
    const grantType = form.get('grant_type') ?? '';
    this.calls.token.push({ grantType, at: Date.now() });
    if (this.switches.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, this.switches.tokenDelayMs));
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
    const [id, secret] = basic?.[1] ? Buffer.from(basic[1], 'base64').toString().split(':') : [];
    const clientOk =
      (id === this.clientId && secret === this.clientSecret) ||
      (form.get('client_id') === this.clientId && form.get('client_secret') === this.clientSecret);
    if (!clientOk) return json(response, 401, { error: 'invalid_client' });
    const ttl = this.switches.accessTokenTtlS;
    const scope = 'user-read-playback-state user-modify-playback-state user-read-currently-playing';
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      if (!this.codes.delete(code))
        return json(response, 400, {
          error: 'invalid_grant',
          error_description: 'Invalid authorization code',
        });
      const tokens = this.issueTokens(ttl);
      return json(response, 200, {
        access_token: tokens.accessToken,
        token_type: 'Bearer',
        expires_in: ttl,
        refresh_token: tokens.refreshToken,
        scope,
      });
    }
    if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token') ?? '';
      if (this.switches.invalidGrant || !this.refreshTokens.has(refreshToken)) {
        return json(response, 400, { error: 'invalid_grant', error_description: 'Refresh token revoked' });
      }
      const accessToken = randomToken('fake-access');
      this.accessTokens.set(accessToken, Date.now() + ttl * 1000);
      const answer: Record<string, unknown> = {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: ttl,
        scope,
      };
      if (this.switches.rotateRefreshToken) {
        const next = randomToken('fake-refresh');
        this.refreshTokens.delete(refreshToken);
        this.refreshTokens.add(next);
        answer.refresh_token = next;
      }
      return json(response, 200, answer);
    }
    json(response, 400, { error: 'unsupported_grant_type' });
  }

  private player(
    route: string,
    url: URL,
    body: string,
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): void {
    this.calls.player += 1;
    this.calls.playerAt.push(Date.now());
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const expiresAt = this.accessTokens.get(bearer);
    if (this.switches.unauthorized > 0 || expiresAt === undefined || expiresAt <= Date.now()) {
      if (this.switches.unauthorized > 0) this.switches.unauthorized -= 1;
      return json(response, 401, { error: { status: 401, message: 'The access token expired' } });
    }
    if (this.switches.rateLimited > 0) {
      this.switches.rateLimited -= 1;
      response.writeHead(429, { 'retry-after': String(this.switches.retryAfterS) }).end();
      return;
    }
    if (this.switches.serverErrors > 0) {
      this.switches.serverErrors -= 1;
      return json(response, 503, { error: { status: 503, message: 'Service unavailable' } });
    }
    if (route === 'GET /v1/me/player') {
      if (this.switches.nothingPlaying) {
        response.writeHead(204).end();
        return;
      }
      return json(response, 200, this.playbackJson());
    }
    if (this.switches.commandFailure === 'no-active-device') {
      return json(response, 404, {
        error: {
          status: 404,
          message: 'Player command failed: No active device found',
          reason: 'NO_ACTIVE_DEVICE',
        },
      });
    }
    if (this.switches.commandFailure === 'premium-required') {
      return json(response, 403, {
        error: {
          status: 403,
          message: 'Player command failed: Premium required',
          reason: 'PREMIUM_REQUIRED',
        },
      });
    }
    const command = this.command(route, url, body);
    if (command === null)
      return json(response, 404, { error: { status: 404, message: 'Service not found' } });
    this.calls.commands.push(command);
    response.writeHead(204).end();
  }

  private command(route: string, url: URL, body: string): string | null {
    switch (route) {
      case 'PUT /v1/me/player/play':
        if (!this.isPlaying) this.trackStartedAt = Date.now() - this.pausedProgressMs;
        this.isPlaying = true;
        return 'play';
      case 'PUT /v1/me/player/pause':
        this.pausedProgressMs = this.progressMs();
        this.isPlaying = false;
        return 'pause';
      case 'POST /v1/me/player/next':
        this.skipTo(this.trackIndex + 1);
        return 'next';
      case 'POST /v1/me/player/previous':
        this.skipTo(this.trackIndex - 1);
        return 'previous';
      case 'PUT /v1/me/player/volume':
        this.volumePercent = Number(url.searchParams.get('volume_percent') ?? this.volumePercent);
        return `volume:${this.volumePercent}`;
      case 'PUT /v1/me/player': {
        const parsed: unknown = body === '' ? {} : JSON.parse(body);
        const ids =
          typeof parsed === 'object' && parsed !== null && 'device_ids' in parsed ? parsed.device_ids : [];
        const id = Array.isArray(ids) && typeof ids[0] === 'string' ? ids[0] : 'unknown';
        this.device = { id, name: `Device ${id} (fake)`, type: 'Computer' };
        return `transfer:${id}`;
      }
      default:
        return null;
    }
  }

  /** The subset of Spotify's CurrentlyPlayingContext the worker reads, in Spotify's own shape. */
  private playbackJson(): Record<string, unknown> {
    const progress = this.progressMs();
    const track = this.currentTrack();
    return {
      device: {
        ...this.device,
        is_active: true,
        is_private_session: false,
        is_restricted: false,
        volume_percent: this.volumePercent,
      },
      shuffle_state: false,
      repeat_state: 'off',
      timestamp: Date.now(),
      context: null,
      progress_ms: progress,
      is_playing: this.isPlaying,
      currently_playing_type: 'track',
      item:
        track === undefined
          ? null
          : {
              id: track.id,
              name: track.name,
              type: 'track',
              duration_ms: track.durationMs,
              artists: track.artists.map((name) => ({ name, id: name.toLowerCase(), type: 'artist' })),
              album: {
                name: track.album,
                images: [{ url: `https://example.invalid/${track.id}.jpg`, width: 640, height: 640 }],
              },
            },
    };
  }
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
