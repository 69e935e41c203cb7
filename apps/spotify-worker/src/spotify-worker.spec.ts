// The worker in-process, against real NATS and Postgres and the fake Spotify:
// commands over request-reply (refused for a revoked or expired token), now-playing
// events, 204, 429, the polling lease.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  commandReply,
  commandSubjects,
  eventSubjects,
  streams,
  type CommandActor,
  type SpotifyAction,
} from '#contracts';
import { secretKey } from '#config';
import { createDb, type Db } from '#db';
import { EventStore } from '#eventstore';
import {
  FakeSpotify,
  TEST_SECRET_KEY,
  createTestDatabase,
  eventually,
  sleep,
  testLogger,
  testNatsUrl,
} from '#testing';
import { PgCredentialStore } from './credentials/credential-store.js';
import { startSpotifyWorker, type RunningSpotifyWorker } from './spotify-worker.js';

const key = secretKey.parse(TEST_SECRET_KEY);
const suffix = Math.random().toString(36).slice(2, 8);
const studioId = `st_worker_${suffix}`;
const coach: CommandActor = { kind: 'studio', studioId, role: 'coach', tokenId: 'tok_coach' };
const display: CommandActor = { kind: 'studio', studioId, role: 'display', tokenId: 'tok_display' };
const revoked = { ...coach, tokenId: 'tok_revoked' };
const expired = { ...coach, tokenId: 'tok_expired' };

describe('Spotify worker', () => {
  let fake: FakeSpotify;
  let db: Db;
  let nats: NatsConnection;
  let store: EventStore;
  const workers: RunningSpotifyWorker[] = [];

  async function send(action: SpotifyAction, actor: CommandActor = coach, extra: { volume?: number } = {}) {
    const reply = await nats.request(
      commandSubjects.spotify(studioId),
      JSON.stringify({ command: { studioId, action, ...extra }, actor }),
      { timeout: 5000 },
    );
    return commandReply.parse(reply.json());
  }

  async function lastEvent() {
    return store.lastEventOf(streams.events.name, eventSubjects.studioSpotify(studioId));
  }

  beforeAll(async () => {
    fake = await FakeSpotify.start();
    const databaseUrl = await createTestDatabase('spotify_worker');
    db = createDb(databaseUrl, 4);
    nats = await connect({ servers: testNatsUrl() });
    store = await EventStore.open(nats);
    await store.ensureStreams();
    await db.studio.create({ data: { id: studioId, name: 'Worker', customZones: [] } });
    // The worker checks each command's token against the table, as it is when the command arrives.
    const past = new Date(Date.now() - 1000);
    await db.apiToken.createMany({
      data: [
        { id: coach.tokenId, role: 'coach' },
        { id: display.tokenId, role: 'display' },
        { id: revoked.tokenId, role: 'coach', revokedAt: past },
        { id: expired.tokenId, role: 'coach', expiresAt: past },
      ].map((token) => ({ ...token, studioId, tokenHash: `hash-of-${token.id}` })),
    });
    const issued = fake.issueTokens();
    await new PgCredentialStore(db, key).save({
      studioId,
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: Date.now() + issued.expiresInS * 1000,
      scope: '',
      status: 'connected',
    });
    for (const instance of ['worker-a', 'worker-b']) {
      workers.push(
        await startSpotifyWorker(
          {
            HRM_SECRET_KEY: key,
            SPOTIFY_CLIENT_ID: fake.clientId,
            SPOTIFY_CLIENT_SECRET: fake.clientSecret,
            SPOTIFY_REDIRECT_URI: 'http://127.0.0.1:1/callback',
            SPOTIFY_ACCOUNTS_URL: fake.url,
            SPOTIFY_API_URL: fake.url,
            SPOTIFY_POLL_FAST_MS: 200,
            SPOTIFY_POLL_SLOW_MS: 200,
          },
          { nats, db, store, logger: testLogger('spotify-worker', 'error').logger, instance },
        ),
      );
    }
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await nats.drain();
    await db.$disconnect();
    await fake.stop();
  });

  it('emits the playing track once, and polls the studio from one instance at a time', async () => {
    const event = await eventually(async () => {
      const last = await lastEvent();
      return last?.event.type === 'spotify.playback-changed' ? last : undefined;
    }, 'a playback event');
    expect(event.event.data).toMatchObject({ studioId, isPlaying: true, track: { id: 'fake-track-1' } });
    // Nothing changed: no new event; and the lease keeps a single poller (about 5 calls a second).
    const before = fake.calls.player;
    await sleep(1000);
    expect(fake.calls.player - before).toBeLessThanOrEqual(7);
    expect((await lastEvent())?.seq).toBe(event.seq);
    expect(await db.spotifyPollLease.count({ where: { studioId } })).toBe(1);
  });

  it('a coach’s next reaches Spotify, and the new track appears as an event', async () => {
    expect(await send('next')).toEqual({ ok: true });
    expect(fake.calls.commands).toContain('next');
    await eventually(async () => {
      const last = await lastEvent();
      return last?.event.type === 'spotify.playback-changed' && last.event.data.track?.id === 'fake-track-2'
        ? last
        : undefined;
    }, 'the next track');
    expect(await send('volume', coach, { volume: 40 })).toEqual({ ok: true });
    expect(fake.calls.commands).toContain('volume:40');
  });

  it('refuses a display token, and says why Spotify refused: no active device (404), no Premium (403)', async () => {
    expect(await send('pause', display)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    fake.switches.commandFailure = 'no-active-device';
    expect(await send('pause')).toMatchObject({ ok: false, error: { code: 'no-active-device' } });
    fake.switches.commandFailure = 'premium-required';
    expect(await send('pause')).toMatchObject({ ok: false, error: { code: 'premium-required' } });
    fake.switches.commandFailure = null;
  });

  it('refuses a coach whose token was revoked or has expired since it connected, before calling Spotify', async () => {
    const commandsBefore = fake.calls.commands.length;
    expect(await send('pause', revoked)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await send('pause', expired)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(fake.calls.commands.length).toBe(commandsBefore);
  });

  it('204: nothing plays', async () => {
    fake.switches.nothingPlaying = true;
    const event = await eventually(async () => {
      const last = await lastEvent();
      return last?.event.type === 'spotify.playback-changed' && last.event.data.track === null
        ? last
        : undefined;
    }, 'a nothing-plays event');
    expect(event.event.data).toMatchObject({ isPlaying: false, track: null });
    fake.switches.nothingPlaying = false;
  });

  it('429: waits Retry-After before calling again', async () => {
    fake.switches.retryAfterS = 2;
    fake.switches.rateLimited = 1;
    const from = fake.calls.playerAt.length;
    await eventually(
      () => (fake.calls.playerAt.length >= from + 2 ? true : undefined),
      'two more calls',
      10_000,
    );
    const [limited, next] = fake.calls.playerAt.slice(from, from + 2);
    expect((next ?? 0) - (limited ?? 0)).toBeGreaterThanOrEqual(1900);
  });
});
