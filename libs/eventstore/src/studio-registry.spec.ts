import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import { testNatsUrl } from '#testing';
import { StudioRegistry } from './studio-registry.js';

const studioId = () => `st_${crypto.randomBytes(6).toString('hex')}`;

describe('the studio registry in NATS KV', () => {
  let connection: NatsConnection;

  beforeAll(async () => {
    connection = await connect({ servers: testNatsUrl() });
  });
  afterAll(async () => {
    await connection.close();
  });

  /** The API's registry and an ingest's, on a bucket of this test's own. */
  const pair = async () => {
    const bucket = `studios_${crypto.randomBytes(4).toString('hex')}`;
    return {
      api: await StudioRegistry.open(connection, bucket),
      ingest: await StudioRegistry.open(connection, bucket),
    };
  };

  it('holds back (not-ready) a studio it cannot find until the API has copied every studio in, then refuses it', async () => {
    const { api, ingest } = await pair();
    const stranger = studioId();

    expect(await ingest.standing(stranger)).toBe('not-ready');
    await api.markComplete();
    expect(await ingest.standing(stranger)).toBe('unknown');
  });

  it('knows a studio registered a moment ago by another instance, before its watch has seen it', async () => {
    const { api, ingest } = await pair();
    await api.markComplete();
    const created = studioId();

    await api.register({ studioId: created, createdAt: Date.now() });
    expect(await ingest.standing(created)).toBe('known');
  });

  it('follows the bucket: what is registered is known from memory, what is forgotten is unknown again', async () => {
    const { api, ingest } = await pair();
    const [kept, dropped] = [studioId(), studioId()];
    await api.register({ studioId: kept, createdAt: 1 });
    await api.register({ studioId: dropped, createdAt: 1 });
    await api.markComplete();
    await ingest.follow();
    await api.forget(dropped);

    // Once the watch has delivered the deletion, the registry answers from memory alone.
    for (let attempt = 0; attempt < 100 && (await ingest.standing(dropped)) !== 'unknown'; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await ingest.standing(dropped)).toBe('unknown');
    expect(await ingest.standing(kept)).toBe('known');
    ingest.stop();
  });
});
