// The demo of `docker compose --profile demo` (scripts/demo.ts, run from dist/
// as the demo image runs it) against a real stack: it makes the demo studio
// and a live class through the API, its simulated gateway's heart rates reach
// a screen, the studio plays from the demo's fake Spotify through the real
// Spotify worker, it stops on SIGTERM, and a second start reuses the class.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sessionView, spotifyState } from '#contracts';
import { freePort } from '#localstack';
import { TEST_ADMIN_TOKEN, eventually, startTestStack, temporaryDirectory, type TestStack } from '#testing';
import { Child } from './support/child.js';
import { Screen, connected, liveSocket } from './support/screen.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_SECRET = 'demo-e2e-fake-spotify-secret';

describe('the compose demo (scripts/demo.ts)', () => {
  let stack: TestStack;
  let spotifyPort: number;
  let dataDir: string;
  const children: Child[] = [];
  const sockets: Array<{ close(): void }> = [];

  beforeAll(async () => {
    spotifyPort = await freePort();
    const spotifyUrl = `http://127.0.0.1:${spotifyPort}`;
    // The Spotify worker set up as compose.demo.env sets it: the demo's fake, with the app it knows.
    stack = await startTestStack(['api', 'ingest', 'realtime', 'spotify-worker'], {
      env: {
        SPOTIFY_CLIENT_ID: 'hrm-demo',
        SPOTIFY_CLIENT_SECRET: DEMO_SECRET,
        SPOTIFY_ACCOUNTS_URL: spotifyUrl,
        SPOTIFY_API_URL: spotifyUrl,
        SPOTIFY_POLL_FAST_MS: '300',
        SPOTIFY_POLL_SLOW_MS: '1000',
      },
    });
    dataDir = temporaryDirectory('hrm-demo-e2e');
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all(children.map((child) => child.stop(1000)));
    await stack?.stop();
  });

  function startDemo(env: Record<string, string> = {}, args: string[] = []): Child {
    const child = new Child(process.execPath, [path.join(root, 'dist/scripts/demo.js'), ...args], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        API_URL: stack.apiUrl,
        NATS_URL: stack.nats.url,
        HRM_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        HRM_DATA_DIR: dataDir,
        REALTIME_HOST_PORT: new URL(stack.realtimeUrl).port,
        API_HOST_PORT: new URL(stack.apiUrl).port,
        DEMO_SPOTIFY: '1',
        DEMO_SPOTIFY_PORT: String(spotifyPort),
        SPOTIFY_CLIENT_ID: 'hrm-demo',
        SPOTIFY_CLIENT_SECRET: DEMO_SECRET,
        ...env,
      },
    });
    children.push(child);
    return child;
  }

  /** What the summary says: the studio, the class (and whether it is new), the watch command's token. */
  async function summary(demo: Child) {
    const studioId = (await demo.line(/^\s+Studio\s+(\S+)$/, 60_000))[1] ?? '';
    const [, sessionId = '', how = ''] = await demo.line(/^\s+Class\s+(\S+)\s+\(live, (new|reused)\)$/, 5000);
    const [, screenUrl = ''] = await demo.line(/^\s+Screen\s+(\S+)/, 5000);
    const [, coachUrl = ''] = await demo.line(/^\s+Coach\s+(\S+)/, 5000);
    const [, token = ''] = await demo.line(/^\s+Watch it\s+.*auth:\{token:'([^']+)'\}/, 5000);
    const [, music = ''] = await demo.line(/^\s+Music\s+(.*)$/, 5000);
    return { studioId, sessionId, how, token, music, screenUrl, coachUrl };
  }

  let first: Awaited<ReturnType<typeof summary>>;

  it('sets up the demo studio and a live class of twelve athletes through the API, and says so', async () => {
    const demo = startDemo();
    first = await summary(demo);
    expect(first.how).toBe('new');
    expect(first.music).toMatch(/FAKE Spotify/);
    // The page links open the class on the API's host port, the display token in the fragment.
    expect(first.screenUrl).toBe(
      `${stack.apiUrl}/screen/${first.sessionId}#token=${encodeURIComponent(first.token)}`,
    );
    expect(first.coachUrl).toMatch(new RegExp(`^${stack.apiUrl}/coach/${first.sessionId}#token=.+`));
    expect((await fetch(first.screenUrl)).status).toBe(200);
    const session = await stack.api('GET', `/api/v1/sessions/${first.sessionId}`);
    const view = sessionView.parse(session.body);
    expect(view).toEqual(expect.objectContaining({ studioId: first.studioId, status: 'live' }));
    expect(view.participants).toHaveLength(12);
    expect(view.participants.every((participant) => participant.deviceId !== undefined)).toBe(true);
  });

  it("shows the gateway's heart rates on a screen that uses the printed display token", async () => {
    const socket = liveSocket(stack.realtimeUrl, first.token);
    sockets.push(socket);
    await connected(socket);
    const screen = new Screen(socket, first.sessionId);
    await screen.subscribe();
    const shown = await eventually(
      () => (screen.values.size === 12 ? screen.shown() : undefined),
      'a heart rate for each of the twelve athletes on the screen',
      30_000,
      200,
    );
    for (const value of Object.values(shown)) expect(value.bpm).toBeGreaterThan(30);
  });

  it("plays the fake Spotify's music for the demo studio, through the Spotify worker", async () => {
    const playing = await eventually(
      async () => {
        const answer = await stack.api(
          'GET',
          `/api/v1/studios/${first.studioId}/spotify`,
          undefined,
          first.token,
        );
        const state = spotifyState.parse(answer.body);
        return state.status === 'connected' && state.track !== undefined ? state : undefined;
      },
      'the demo studio connected to Spotify with a track',
      20_000,
      200,
    );
    expect(playing.track?.name).toBe('Warm-up Groove');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const demo = children[0];
    if (demo === undefined) throw new Error('the first test started no demo');
    const started = Date.now();
    expect(await demo.stop(5000)).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(demo.output()).toMatch(/SIGTERM: stopping/);
  });

  it('reuses the studio and the class on the next start (what it remembers is on a volume in compose)', async () => {
    const demo = startDemo();
    const again = await summary(demo);
    expect(again).toEqual({ ...first, how: 'reused' });
    expect(await demo.stop(5000)).toEqual({ code: 0, signal: null });
  });

  it('refuses to start without an operator token, in one line naming it', async () => {
    const demo = startDemo({ HRM_ADMIN_TOKEN: '' });
    expect((await demo.exited).code).toBe(2);
    expect(demo.lines.filter((line) => line !== '')).toEqual([
      expect.stringMatching(/^demo: .*HRM_ADMIN_TOKEN/),
    ]);
  });

  it('answers --help with its usage', async () => {
    const demo = startDemo({}, ['--help']);
    expect((await demo.exited).code).toBe(0);
    expect(demo.output()).toMatch(/usage: node dist\/scripts\/demo\.js[\s\S]*HRM_ADMIN_TOKEN/);
  });

  it('exits 1 when the API refuses its token, saying why and never printing the token', async () => {
    const wrong = 'wrong-operator-token-0123456789';
    const demo = startDemo({
      HRM_ADMIN_TOKEN: wrong,
      DEMO_SPOTIFY: '0',
      HRM_DATA_DIR: temporaryDirectory('hrm-demo-e2e'),
    });
    expect((await demo.exited).code).toBe(1);
    expect(demo.output()).toMatch(/demo: the demo could not be set up: POST \/api\/v1\/studios answered 401/);
    expect(demo.output()).not.toContain(wrong);
  });
});
