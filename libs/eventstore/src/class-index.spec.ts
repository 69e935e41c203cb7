import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import { ClassWriter, testNatsUrl } from '#testing';
import { ClassIndex } from './class-index.js';
import { EventStore } from './event-store.js';

const HOUR = 3600_000;
const studioId = 'studio_index_spec';

describe('the index of open classes', () => {
  let connection: NatsConnection;
  let store: EventStore;

  beforeAll(async () => {
    connection = await connect({ servers: testNatsUrl() });
    store = await EventStore.open(connection);
    await store.ensureStreams();
  });
  afterAll(async () => {
    await connection.close();
  });

  const bucketName = () => `classes_${crypto.randomBytes(4).toString('hex')}`;
  const freshIndex = () => ClassIndex.open(store, bucketName());
  const entryOf = async (index: ClassIndex, sessionId: string) =>
    (await index.entries()).find((entry) => entry.sessionId === sessionId);

  it('follows a class from scheduled to ended, as its events are appended', async () => {
    const index = await freshIndex();
    const writer = new ClassWriter(store, index);
    await writer.schedule(studioId);
    expect(await entryOf(index, writer.sessionId)).toMatchObject({ status: 'scheduled', studioId });
    await writer.join('p1', 'strap-1');
    await writer.start(1_000_000);
    expect(await entryOf(index, writer.sessionId)).toMatchObject({ status: 'live', startedAt: 1_000_000 });
    await writer.end(2_000_000);
    expect(await entryOf(index, writer.sessionId)).toMatchObject({
      status: 'ended',
      startedAt: 1_000_000,
      endedAt: 2_000_000,
    });
  });

  it('purges classes ended longer ago than the horizon, leaving nothing behind to read', async () => {
    const bucket = bucketName();
    const index = await ClassIndex.open(store, bucket);
    const now = Date.now();
    const old = new ClassWriter(store, index);
    await old.schedule(studioId);
    await old.start(now - 30 * HOUR);
    await old.end(now - 25 * HOUR);
    const recent = new ClassWriter(store, index);
    await recent.schedule(studioId);
    await recent.start(now - 2 * HOUR);
    await recent.end(now - HOUR);
    const open = new ClassWriter(store, index);
    await open.schedule(studioId);

    expect(await index.sweep(now)).toBe(1);
    const ids = (await index.entries()).map((entry) => entry.sessionId).sort();
    expect(ids).toEqual([recent.sessionId, open.sessionId].sort());
    // A purge by subject, not a delete marker: the bucket holds what is live and nothing else.
    const stream = await store.jsm.streams.info(`KV_${bucket}`);
    expect(stream.state.messages).toBe(2);
  });

  it('corrects an entry the log has moved past, and drops one whose class was never appended', async () => {
    const index = await freshIndex();
    // The appender stopped between its append and its index write: the index still says live.
    const ended = new ClassWriter(store, index);
    await ended.schedule(studioId);
    await ended.start();
    const behind = new ClassWriter(store, null, ended.sessionId);
    behind.state = ended.state;
    behind.version = ended.version;
    await behind.end();
    expect(await entryOf(index, ended.sessionId)).toMatchObject({ status: 'live' });
    // Written before an append that never came.
    const unappended = new ClassWriter(store, index);
    await index.record({
      status: 'scheduled',
      sessionId: unappended.sessionId,
      studioId,
      title: 'Never appended',
      startsAt: null,
      participants: new Map(),
    });

    await index.sweep(Date.now());
    expect(await entryOf(index, ended.sessionId)).toMatchObject({ status: 'ended' });
    expect(await entryOf(index, unappended.sessionId)).toBeDefined();
    await index.sweep(Date.now() + 2 * 60_000);
    expect(await entryOf(index, unappended.sessionId)).toBeUndefined();
  });

  it('is filled once from a log written before it existed: open and recently ended classes only', async () => {
    const now = Date.now();
    const open = new ClassWriter(store, null);
    await open.schedule(studioId);
    await open.start();
    const recent = new ClassWriter(store, null);
    await recent.schedule(studioId);
    await recent.start(now - 3 * HOUR);
    await recent.end(now - 2 * HOUR);
    const old = new ClassWriter(store, null);
    await old.schedule(studioId);
    await old.start(now - 50 * HOUR);
    await old.end(now - 49 * HOUR);

    const index = await freshIndex();
    await index.ensureBuilt();
    const entries = await index.entries();
    const ids = new Set(entries.map((entry) => entry.sessionId));
    expect(ids.has(open.sessionId)).toBe(true);
    expect(ids.has(recent.sessionId)).toBe(true);
    expect(ids.has(old.sessionId)).toBe(false);
    expect(entries.find((entry) => entry.sessionId === open.sessionId)).toMatchObject({ status: 'live' });

    // Built: a class appended without its entry now is not picked up by a second call.
    const later = new ClassWriter(store, null);
    await later.schedule(studioId);
    await index.ensureBuilt();
    expect((await index.entries()).some((entry) => entry.sessionId === later.sessionId)).toBe(false);
  });
});
