import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import { ClassWriter, eventually, testLogger, testNatsUrl } from '#testing';
import { ClassIndex } from './class-index.js';
import { EventStore } from './event-store.js';
import { OpenClasses, type OpenClassesOptions } from './open-classes.js';

const HOUR = 3600_000;

describe('OpenClasses: a service holds what is live, read from the index and each class subject', () => {
  let connection: NatsConnection;
  let store: EventStore;
  const running: OpenClasses[] = [];

  beforeAll(async () => {
    connection = await connect({ servers: testNatsUrl() });
    store = await EventStore.open(connection);
    await store.ensureStreams();
  });
  afterAll(async () => {
    for (const classes of running) await classes.stop();
    await connection.close();
  });

  /** A bucket of this test's own, marked built, and the studio its classes run in. */
  const setUp = async () => {
    const indexBucket = `classes_${crypto.randomBytes(4).toString('hex')}`;
    const index = await ClassIndex.open(store, indexBucket);
    await index.ensureBuilt();
    return { index, indexBucket, studioId: `st_${crypto.randomBytes(4).toString('hex')}` };
  };
  const started = async (indexBucket: string, options: Partial<OpenClassesOptions> = {}) => {
    const classes = new OpenClasses(store, testLogger().logger, {
      keepEndedMs: 60_000,
      indexBucket,
      ...options,
    });
    const forgotten: string[] = [];
    classes.listen({ forgotten: (sessionId) => forgotten.push(sessionId) });
    running.push(classes);
    await classes.start();
    return { classes, forgotten };
  };

  it('starts with the open classes folded as the domain folds them, and none of the ended ones', async () => {
    const { index, indexBucket, studioId } = await setUp();
    const live = new ClassWriter(store, index);
    await live.schedule(studioId);
    await live.join('p1', 'strap-1');
    await live.start();
    const scheduled = new ClassWriter(store, index);
    await scheduled.schedule(studioId);
    const ended = new ClassWriter(store, index);
    await ended.schedule(studioId);
    await ended.start(Date.now() - 2 * HOUR);
    await ended.end(Date.now() - HOUR);

    const { classes } = await started(indexBucket);
    expect(classes.get(live.sessionId)).toEqual({ state: live.state, version: live.version });
    expect(classes.get(scheduled.sessionId)?.state.status).toBe('scheduled');
    expect(classes.get(ended.sessionId)).toBeUndefined();
  });

  it('follows classes scheduled after its start, and lets an ended one go at once when told to keep none', async () => {
    const { index, indexBucket, studioId } = await setUp();
    const { classes, forgotten } = await started(indexBucket, { keepEndedMs: 0 });
    const writer = new ClassWriter(store, index);
    await writer.schedule(studioId);
    await writer.join('p1', 'strap-1');
    await writer.start();
    await eventually(
      () => (classes.get(writer.sessionId)?.state.status === 'live' ? true : undefined),
      'the start read',
    );
    expect(classes.get(writer.sessionId)?.state).toEqual(writer.state);
    await writer.end();
    await eventually(() => (forgotten.includes(writer.sessionId) ? true : undefined), 'the class let go');
    expect(classes.get(writer.sessionId)).toBeUndefined();
  });

  it('loads an ended class on demand, keeps it while held, and lets it go once unused', async () => {
    const { index, indexBucket, studioId } = await setUp();
    const old = new ClassWriter(store, index);
    await old.schedule(studioId);
    await old.join('p1', 'strap-1');
    await old.start(Date.now() - 30 * 24 * HOUR);
    await old.end(Date.now() - 30 * 24 * HOUR + HOUR);
    await index.sweep();
    const { classes, forgotten } = await started(indexBucket, { keepEndedMs: 1_000 });
    expect(classes.get(old.sessionId)).toBeUndefined();

    expect(await classes.find(old.sessionId)).toEqual({ state: old.state, version: old.version });
    expect(await classes.find('cls_never_scheduled')).toBeNull();
    classes.hold(old.sessionId);
    classes.sweep(Date.now() + 10_000);
    expect(classes.get(old.sessionId)).toBeDefined();
    classes.release(old.sessionId);
    classes.sweep(Date.now() + 10_000);
    expect(forgotten).toEqual([old.sessionId]);
    expect(classes.get(old.sessionId)).toBeUndefined();
  });

  it('knows which recently ended classes a late sample of a studio may belong to', async () => {
    const { index, indexBucket, studioId } = await setUp();
    const now = Date.now();
    const ended = new ClassWriter(store, index);
    await ended.schedule(studioId);
    await ended.start(now - 3 * HOUR);
    await ended.end(now - 2 * HOUR);
    const { classes } = await started(indexBucket);

    expect(classes.recentlyEnded(studioId, now - 2.5 * HOUR)).toEqual([ended.sessionId]);
    expect(classes.recentlyEnded(studioId, now - 1.5 * HOUR)).toEqual([]);
    expect(classes.recentlyEnded('another_studio', now - 2.5 * HOUR)).toEqual([]);
    await classes.load(ended.sessionId);
    expect(classes.recentlyEnded(studioId, now - 2.5 * HOUR)).toEqual([]);
  });
});
