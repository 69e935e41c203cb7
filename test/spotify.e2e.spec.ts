// Through the whole stack, Spotify replaced by the fake: sign-in via the
// callback, a track change appears as spotify:state on a subscribed screen, a
// coach's `next` (from REST and from a tablet's socket) reaches Spotify.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import {
  issuedToken,
  spotifySignInUrl,
  spotifyState,
  studioSubscribeAck,
  type SpotifyState,
} from '#contracts';
import { FakeSpotify, TEST_ADMIN_TOKEN, eventually, startTestStack, type TestStack } from '#testing';
import { connected, liveSocket } from './support/screen.js';

describe('Spotify through the stack', () => {
  let fake: FakeSpotify;
  let stack: TestStack;
  let studioId: string;
  let coachToken: string;
  let displayToken: string;

  beforeAll(async () => {
    fake = await FakeSpotify.start();
    stack = await startTestStack(['api', 'spotify-worker', 'realtime'], {
      env: {
        SPOTIFY_CLIENT_ID: fake.clientId,
        SPOTIFY_CLIENT_SECRET: fake.clientSecret,
        SPOTIFY_ACCOUNTS_URL: fake.url,
        SPOTIFY_API_URL: fake.url,
        SPOTIFY_POLL_FAST_MS: '300',
        SPOTIFY_POLL_SLOW_MS: '1000',
      },
    });
    await stack.addService('spotify-worker');
    const studio = await stack.api('POST', '/api/v1/studios', { name: 'Spotify studio' });
    studioId = z.object({ id: z.string() }).parse(studio.body).id;
    const coach = await stack.api('POST', `/api/v1/studios/${studioId}/tokens`, { role: 'coach' });
    coachToken = issuedToken.parse(coach.body).token;
    const display = await stack.api('POST', `/api/v1/studios/${studioId}/tokens`, { role: 'display' });
    displayToken = issuedToken.parse(display.body).token;
  });

  afterAll(async () => {
    await stack?.stop();
    await fake?.stop();
  });

  async function state() {
    const answer = await stack.api('GET', `/api/v1/studios/${studioId}/spotify`, undefined, displayToken);
    return spotifyState.parse(answer.body);
  }

  it('signs a studio in through the callback; the state is single use', async () => {
    expect((await state()).status).toBe('needs-auth');
    const authorize = await fetch(`${stack.apiUrl}/api/v1/studios/${studioId}/spotify/authorize`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      redirect: 'manual',
    });
    expect(authorize.status).toBe(302);
    const consent = new URL(authorize.headers.get('location') ?? '');
    expect(consent.origin).toBe(fake.url);
    expect(consent.searchParams.get('scope')).toContain('user-modify-playback-state');
    // The user approves on "Spotify": back to the API's callback, with no bearer token.
    const approved = await fetch(consent, { redirect: 'manual' });
    const callback = new URL(approved.headers.get('location') ?? '');
    expect(callback.pathname).toBe('/api/v1/spotify/callback');
    const local = `${stack.apiUrl}${callback.pathname}${callback.search}`;
    const signedIn = await fetch(local);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toEqual({ studioId, status: 'connected' });
    const replayed = await fetch(local);
    expect(replayed.status).toBe(400);
  });

  it('answers the consent URL as JSON to a page that asks for JSON, which cannot follow the 302', async () => {
    const authorize = await fetch(`${stack.apiUrl}/api/v1/studios/${studioId}/spotify/authorize`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, accept: 'application/json' },
      redirect: 'manual',
    });
    expect(authorize.status).toBe(200);
    const { url } = spotifySignInUrl.parse(await authorize.json());
    const consent = new URL(url);
    expect(consent.origin).toBe(fake.url);
    expect(consent.searchParams.get('scope')).toContain('user-modify-playback-state');
    // A coach token may not sign the studio in (operator only).
    const coach = await fetch(`${stack.apiUrl}/api/v1/studios/${studioId}/spotify/authorize`, {
      headers: { authorization: `Bearer ${coachToken}`, accept: 'application/json' },
    });
    expect(coach.status).toBe(403);
  });

  it('shows what plays, and a track changed on Spotify appears in the studio state', async () => {
    await eventually(
      async () => ((await state()).track?.id === 'fake-track-1' ? true : undefined),
      'track 1',
    );
    // A studio screen: its snapshot shows what plays, and every change arrives as spotify:state.
    const screen = liveSocket(stack.realtimeUrl, displayToken);
    const pushed: SpotifyState[] = [];
    screen.on('spotify:state', (payload: unknown) => pushed.push(spotifyState.parse(payload)));
    await connected(screen);
    const ack = studioSubscribeAck.parse(
      await screen.timeout(5000).emitWithAck('studio:subscribe', { studioId }),
    );
    if (!ack.ok) throw new Error(ack.error.message);
    expect(ack.snapshot.spotify).toMatchObject({ status: 'connected', track: { id: 'fake-track-1' } });
    fake.skipTo(2);
    const onScreen = await eventually(
      () => pushed.find((state) => state.track?.id === 'fake-track-3'),
      'spotify:state with track 3 on the screen',
    );
    expect(onScreen).toMatchObject({ studioId, isPlaying: true, track: { name: 'Cool-down Waves' } });
    screen.close();
    const changed = await eventually(async () => {
      const current = await state();
      return current.track?.id === 'fake-track-3' ? current : undefined;
    }, 'track 3');
    expect(changed).toMatchObject({
      status: 'connected',
      isPlaying: true,
      track: { name: 'Cool-down Waves' },
    });
  });

  it("a coach's next reaches Spotify; a display may not; Spotify's refusals get clear problems", async () => {
    const next = await stack.api('POST', `/api/v1/studios/${studioId}/spotify/next`, {}, coachToken);
    expect(next.status).toBe(204);
    expect(fake.calls.commands).toContain('next');
    await eventually(
      async () => ((await state()).track?.id === 'fake-track-1' ? true : undefined),
      'wrapped to track 1',
    );
    // The same from a coach's tablet, over the socket.
    const tablet = liveSocket(stack.realtimeUrl, coachToken);
    await connected(tablet);
    const viaSocket = await tablet.timeout(5000).emitWithAck('spotify:command', { studioId, action: 'next' });
    tablet.close();
    expect(viaSocket).toMatchObject({ ok: true });
    expect(fake.calls.commands.filter((command) => command === 'next')).toHaveLength(2);
    const denied = await stack.api('POST', `/api/v1/studios/${studioId}/spotify/pause`, {}, displayToken);
    expect(denied.status).toBe(403);
    fake.switches.commandFailure = 'no-active-device';
    const noDevice = await stack.api('POST', `/api/v1/studios/${studioId}/spotify/play`, {}, coachToken);
    expect(noDevice).toMatchObject({ status: 409, body: { type: 'urn:hrm:spotify:no-active-device' } });
    fake.switches.commandFailure = 'premium-required';
    const noPremium = await stack.api('POST', `/api/v1/studios/${studioId}/spotify/play`, {}, coachToken);
    expect(noPremium).toMatchObject({ status: 403, body: { type: 'urn:hrm:spotify:premium-required' } });
    fake.switches.commandFailure = null;
    const noVolume = await stack.api('POST', `/api/v1/studios/${studioId}/spotify/volume`, {}, coachToken);
    expect(noVolume.status).toBe(400);
  });

  it('invalid_grant: the studio needs a new sign-in, and nothing hammers Spotify', async () => {
    fake.switches.invalidGrant = true;
    fake.switches.unauthorized = 1; // the next player call is refused: a refresh follows
    await eventually(async () => ((await state()).status === 'needs-auth' ? true : undefined), 'needs-auth');
    const refreshes = fake.refreshCalls();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fake.refreshCalls()).toBe(refreshes);
    const play = await stack.api('POST', `/api/v1/studios/${studioId}/spotify/play`, {}, coachToken);
    expect(play).toMatchObject({ status: 409, body: { type: 'urn:hrm:spotify:needs-auth' } });
  });
});
