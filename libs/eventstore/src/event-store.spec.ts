import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import { eventSubjects, streams, type DomainEvent } from '#contracts';
import { createDb, type Db } from '#db';
import { createTestDatabase, eventually, testLogger, testNatsUrl } from '#testing';
import { EventStore } from './event-store.js';
import { ProjectionRunner, type Projection } from './projection-runner.js';

const { logger } = testLogger('test', 'error');

type EventOf<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;

function scheduled(sessionId: string, title = 'Spin 45'): EventOf<'session.scheduled'> {
  const now = Date.now();
  return {
    id: crypto.randomUUID(),
    type: 'session.scheduled',
    occurredAt: now,
    recordedAt: now,
    correlationId: 'test',
    causationId: null,
    data: { sessionId, studioId: 'studio-1', title, startsAt: null },
  };
}

function started(sessionId: string): EventOf<'session.started'> {
  const now = Date.now();
  return {
    id: crypto.randomUUID(),
    type: 'session.started',
    occurredAt: now,
    recordedAt: now,
    correlationId: 'test',
    causationId: null,
    data: { sessionId, startedAt: now },
  };
}

const uniqueId = () => `s${crypto.randomBytes(6).toString('hex')}`;

describe('event store over JetStream', () => {
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

  it('creates streams idempotently: a second start changes nothing', async () => {
    await store.ensureStreams();
    const names: string[] = [];
    for await (const info of store.jsm.streams.list()) names.push(info.config.name);
    expect(names).toEqual(expect.arrayContaining(['EVENTS', 'HR', 'HRM_INGRESS']));
  });

  it('drops a duplicate append with the same message id', async () => {
    const sessionId = uniqueId();
    const event = scheduled(sessionId);
    const subject = eventSubjects.session(sessionId);
    const first = await store.append(subject, [event], { expected: 'any' });
    const second = await store.append(subject, [event], { expected: 'any' });
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(second).toMatchObject({ ok: true, duplicate: true });
    const read = await store.readAggregate(streams.events.name, subject);
    expect(read.events.map((stored) => stored.event.id)).toEqual([event.id]);
  });

  it('refuses a stale expected version with a typed conflict', async () => {
    const sessionId = uniqueId();
    const subject = eventSubjects.session(sessionId);
    const created = await store.append(subject, [scheduled(sessionId)], { expected: 'none' });
    if (!created.ok) throw new Error('first append must succeed');
    const writerA = await store.append(subject, [started(sessionId)], { expected: created.version });
    const writerB = await store.append(subject, [started(sessionId)], { expected: created.version });
    expect(writerA.ok).toBe(true);
    expect(writerB).toEqual({
      ok: false,
      error: { kind: 'conflict', expected: created.version, actual: writerA.ok ? writerA.version : -1 },
    });
    const again = await store.append(subject, [scheduled(sessionId)], { expected: 'none' });
    expect(again.ok).toBe(false);
    const read = await store.readAggregate(streams.events.name, subject);
    expect(read.events.map((stored) => stored.event.type)).toEqual(['session.scheduled', 'session.started']);
    expect(read.version).toBe(writerA.ok ? writerA.version : -1);
  });

  it('refuses an invalid event before it reaches the log', async () => {
    const sessionId = uniqueId();
    const bad = {
      ...scheduled(sessionId),
      data: { sessionId, studioId: 'no spaces allowed', title: '', startsAt: null },
    };
    await expect(store.append(eventSubjects.session(sessionId), [bad], { expected: 'any' })).rejects.toThrow(
      /studioId/,
    );
    expect((await store.readAggregate(streams.events.name, eventSubjects.session(sessionId))).version).toBe(
      0,
    );
  });
});

describe('projection runner', () => {
  let db: Db;
  const prefix = `t${crypto.randomBytes(4).toString('hex')}`;
  const stream = prefix.toUpperCase();

  beforeAll(async () => {
    db = createDb(await createTestDatabase('projection'));
    await db.$executeRawUnsafe('CREATE TABLE titles_seen (n int NOT NULL)');
    await db.$executeRawUnsafe('INSERT INTO titles_seen VALUES (0)');
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  // Deliberately not idempotent: a doubled event shows up as a wrong count.
  const counting: Projection = {
    name: `${prefix}-counter`,
    stream,
    filterSubject: `${prefix}.>`,
    async apply(tx, events) {
      await tx.$executeRaw`UPDATE titles_seen SET n = n + ${events.length}`;
    },
  };
  const count = async () => {
    const rows = await db.$queryRaw<Array<{ n: number }>>`SELECT n FROM titles_seen`;
    return rows[0]?.n;
  };

  it('loses and doubles nothing when it crashes right after a commit', async () => {
    const writer = await connect({ servers: testNatsUrl() });
    const store = await EventStore.open(writer);
    await store.ensureStreams([{ name: stream, subjects: [`${prefix}.>`] }]);
    for (let i = 0; i < 20; i++) {
      const sessionId = uniqueId();
      await store.append(`${prefix}.session.${sessionId}`, [scheduled(sessionId, `class ${i}`)], {
        expected: 'none',
      });
    }

    // First instance: commits its first batch, then dies before it can record anything else.
    const doomed = await connect({ servers: testNatsUrl() });
    let crashed = false;
    const first = new ProjectionRunner(await EventStore.open(doomed), db, counting, logger, {
      batchSize: 8,
      afterCommit: async () => {
        if (crashed) return;
        crashed = true;
        await doomed.close();
        throw new Error('simulated crash after the commit');
      },
    });
    await first.start();
    await eventually(() => (crashed ? true : undefined), 'the first runner to crash');
    await first.stop();
    expect(await count()).toBe(8);

    // Second instance: resumes right after the checkpoint, so the committed batch is neither lost nor doubled.
    const second = new ProjectionRunner(store, db, counting, logger, { batchSize: 8 });
    await second.start();
    await eventually(async () => (second.position >= 20 ? true : undefined), 'the second runner to catch up');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await second.stop();
    expect(await count()).toBe(20);
    await writer.close();
  });

  it('applies each event once when two instances run it and batches fail midway', async () => {
    const second = `${prefix}b`;
    const store = await EventStore.open(await connect({ servers: testNatsUrl() }));
    await store.ensureStreams([{ name: second.toUpperCase(), subjects: [`${second}.>`] }]);
    await db.$executeRawUnsafe('UPDATE titles_seen SET n = 0');
    let failures = 0;
    // Fails every third batch after applying it (so the transaction rolls back), as a database outage would.
    const flaky: Projection = {
      ...counting,
      name: `${second}-counter`,
      stream: second.toUpperCase(),
      filterSubject: `${second}.>`,
      async apply(tx, events) {
        await counting.apply(tx, events);
        // An outage as node-postgres reports it (SQLSTATE 57P01): waited out, never parked.
        if (++failures % 3 === 0)
          throw Object.assign(new Error('simulated database failure'), { code: '57P01' });
      },
    };
    const runners = [0, 1].map(() => new ProjectionRunner(store, db, flaky, logger, { batchSize: 5 }));
    for (const runner of runners) await runner.start();
    for (let i = 0; i < 40; i++) {
      const sessionId = uniqueId();
      await store.append(`${second}.session.${sessionId}`, [scheduled(sessionId)], { expected: 'none' });
    }
    const last = await store.lastSequence(second.toUpperCase());
    await eventually(
      () => (runners.every((runner) => runner.position >= last) ? true : undefined),
      'both runners to reach the end of the log',
      30_000,
    );
    for (const runner of runners) await runner.stop();
    expect(failures).toBeGreaterThan(2);
    expect(await count()).toBe(40);
    await store.connection.close();
  });
});
