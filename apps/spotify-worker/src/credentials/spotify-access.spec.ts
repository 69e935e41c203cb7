// Spotify credentials against real Postgres and the fake Spotify: one refresh across four
// instances, rotation or not, invalid_grant, nothing lost on a restart, and no
// lock or connection held while Spotify answers (the refresh lease).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createDb, type Db } from '#db';
import { FakeSpotify, TEST_SECRET_KEY, createTestDatabase, eventually, sleep } from '#testing';
import { secretKey } from '#config';
import { SpotifyClient } from '../spotify/spotify-client.js';
import { SpotifyAccess } from './spotify-access.js';
import { PgCredentialStore } from './credential-store.js';

const key = secretKey.parse(TEST_SECRET_KEY);
const studioId = 'st_tokens';

describe('SpotifyAccess over PgCredentialStore', () => {
  let fake: FakeSpotify;
  let databaseUrl: string;
  let db: Db;
  let spotify: SpotifyClient;
  const extraDbs: Db[] = [];

  /** One worker instance: its own pool, store and Spotify access. */
  function instance(onNeedsAuth: (studioId: string) => Promise<void> = async () => undefined) {
    const ownDb = createDb(databaseUrl, 2);
    extraDbs.push(ownDb);
    const store = new PgCredentialStore(ownDb, key);
    return {
      store,
      access: new SpotifyAccess(store, spotify, onNeedsAuth, Date.now, { leaseMs: 20_000, pollMs: 50 }),
    };
  }

  async function seed(expiresInMs: number) {
    const issued = fake.issueTokens();
    await new PgCredentialStore(db, key).save({
      studioId,
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: Date.now() + expiresInMs,
      scope: 'user-read-playback-state',
      status: 'connected',
    });
    return issued;
  }

  beforeAll(async () => {
    fake = await FakeSpotify.start();
    databaseUrl = await createTestDatabase('spotify_tokens');
    db = createDb(databaseUrl, 2);
    await db.studio.create({ data: { id: studioId, name: 'Tokens', customZones: [] } });
    spotify = new SpotifyClient({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      redirectUri: 'http://127.0.0.1:1/cb',
      accountsUrl: fake.url,
      apiUrl: fake.url,
    });
  });

  beforeEach(() => {
    Object.assign(fake.switches, { invalidGrant: false, rotateRefreshToken: false, tokenDelayMs: 0 });
    fake.calls.token.length = 0;
  });

  afterAll(async () => {
    await Promise.all([db, ...extraDbs].map((each) => each.$disconnect()));
    await fake.stop();
  });

  it('four instances, one expiring token: exactly one refresh reaches Spotify, all four use the new token', async () => {
    const issued = await seed(10_000); // inside the refresh margin
    fake.switches.tokenDelayMs = 300; // the refresh is slow: the others arrive while it runs
    const instances = [instance(), instance(), instance(), instance()];
    const results = await Promise.all(instances.map(({ access }) => access.get(studioId)));
    expect(fake.refreshCalls()).toBe(1);
    const tokens = results.map((result) => (result.ok ? result.accessToken : result.error.kind));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(issued.accessToken);
    const player = await spotify.playback(tokens[0] ?? '');
    expect(player.ok).toBe(true);
  });

  it('keeps the old refresh token when Spotify returns none, and stores the new one when it rotates', async () => {
    const issued = await seed(0);
    const { store, access } = instance();
    expect((await access.get(studioId)).ok).toBe(true);
    expect((await store.load(studioId))?.refreshToken).toBe(issued.refreshToken);

    fake.switches.rotateRefreshToken = true;
    await db.spotifyAccount.update({ where: { studioId }, data: { expiresAt: new Date() } });
    expect((await access.get(studioId)).ok).toBe(true);
    const rotated = (await store.load(studioId))?.refreshToken;
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe(issued.refreshToken);

    // The rotated one works for the next refresh (the old one is gone at Spotify).
    await db.spotifyAccount.update({ where: { studioId }, data: { expiresAt: new Date() } });
    expect((await access.get(studioId)).ok).toBe(true);
    expect(fake.refreshCalls()).toBe(3);
  });

  it('refreshes once after a 401, unless another instance already replaced the rejected token', async () => {
    const issued = await seed(3_600_000);
    const [a, b] = [instance(), instance()];
    const [first, second] = await Promise.all([
      a.access.afterUnauthorized(studioId, issued.accessToken),
      b.access.afterUnauthorized(studioId, issued.accessToken),
    ]);
    expect(fake.refreshCalls()).toBe(1);
    expect(first).toEqual(second);
  });

  it('invalid_grant marks the studio needs-auth, tells once, and stops calling Spotify', async () => {
    await seed(0);
    fake.switches.invalidGrant = true;
    const told: string[] = [];
    const instances = [1, 2, 3].map(() => instance(async (id) => void told.push(id)));
    const results = await Promise.all(instances.map(({ access }) => access.get(studioId)));
    expect(results.every((result) => !result.ok && result.error.kind === 'needs-auth')).toBe(true);
    expect(fake.refreshCalls()).toBe(1);
    expect(told).toEqual([studioId]);
    // Later calls do not reach Spotify at all.
    await instances[0]?.access.get(studioId);
    expect(fake.refreshCalls()).toBe(1);
    expect((await instances[0]?.store.connectedStudios())?.includes(studioId)).toBe(false);
  });

  it('loses no token on a restart, and keeps none in clear text', async () => {
    const issued = await seed(3_600_000);
    const restarted = createDb(databaseUrl, 1);
    extraDbs.push(restarted);
    const loaded = await new PgCredentialStore(restarted, key).load(studioId);
    expect(loaded).toMatchObject({ accessToken: issued.accessToken, refreshToken: issued.refreshToken });
    const raw = await restarted.spotifyAccount.findUniqueOrThrow({ where: { studioId } });
    expect(raw.accessToken).not.toContain(issued.accessToken);
    expect(raw.refreshToken).toMatch(/^v1\./);
    // Another key cannot read them.
    await expect(new PgCredentialStore(restarted, Buffer.alloc(32, 7)).load(studioId)).rejects.toThrow(
      /refresh token|access token/,
    );
  });

  it('holds no row lock and no open transaction while Spotify answers a refresh', async () => {
    await seed(10_000);
    fake.switches.tokenDelayMs = 1500;
    const { access } = instance();
    const pending = access.get(studioId);
    await eventually(() => (fake.refreshCalls() === 1 ? true : undefined), 'the refresh to reach Spotify');

    // Anyone may lock the row at once (the sign-in's upsert, an operator's query)...
    const locked = await db.$transaction(
      (tx) =>
        tx.$queryRaw<{ studio_id: string }[]>`
        SELECT studio_id FROM spotify_accounts WHERE studio_id = ${studioId} FOR UPDATE NOWAIT`,
    );
    expect(locked).toHaveLength(1);
    // ...and no connection of the pool sits in a transaction waiting for Spotify.
    const open = await db.$queryRaw<{ open: number }[]>`
      SELECT count(*)::int AS open FROM pg_stat_activity
      WHERE datname = current_database() AND state LIKE 'idle in transaction%'`;
    expect(open[0]?.open).toBe(0);

    expect((await pending).ok).toBe(true);
    expect(fake.refreshCalls()).toBe(1);
  });

  it('takes over the lease of a refresh whose holder died, and still refreshes once', async () => {
    const issued = await seed(10_000);
    // An instance claimed the refresh for 1 s and was killed before calling Spotify.
    expect(await new PgCredentialStore(db, key).claimRefresh(studioId, 'dead-instance', 1000)).not.toBeNull();
    const instances = [instance(), instance(), instance(), instance()];
    const results = await Promise.all(instances.map(({ access }) => access.get(studioId)));
    const tokens = results.map((result) => (result.ok ? result.accessToken : result.error.kind));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(issued.accessToken);
    expect(fake.refreshCalls()).toBe(1);
    const row = await db.spotifyAccount.findUniqueOrThrow({ where: { studioId } });
    expect(row.refreshLeaseOwner).toBeNull();
  });

  it('writes nothing for a holder that outlived its lease once another took it over', async () => {
    const issued = await seed(10_000);
    const store = new PgCredentialStore(db, key);
    const late = await store.claimRefresh(studioId, 'late-instance', 200);
    expect(late).not.toBeNull();
    expect(await store.claimRefresh(studioId, 'other-instance', 20_000)).toBeNull(); // held
    await sleep(300);
    const taken = await store.claimRefresh(studioId, 'other-instance', 20_000);
    expect(taken).not.toBeNull();
    const stale = {
      ...issued,
      studioId,
      expiresAt: Date.now() + 3_600_000,
      scope: '',
      status: 'connected' as const,
    };
    expect(await store.finishRefresh('late-instance', { ...stale, accessToken: 'late-token' })).toBe(false);
    expect(await store.finishRefresh('other-instance', { ...stale, accessToken: 'winning-token' })).toBe(
      true,
    );
    expect((await store.load(studioId))?.accessToken).toBe('winning-token');
  });
});
