// Readers of the log across a crash of nats-server (SIGKILL, restarted on its
// store): a tail and a projection follow again within seconds of NATS
// answering, with every event handled exactly once, and say meanwhile that
// they are not following.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import path from 'node:path';
import type { DomainEvent } from '#contracts';
import { createDb, type Db } from '#db';
import { NatsServer } from '#localstack';
import { createTestDatabase, eventually, temporaryDirectory, testLogger } from '#testing';
import { EventStore, type Tail } from './event-store.js';
import { ProjectionRunner, type Projection } from './projection-runner.js';

const STREAM = 'TAILKILL';

function started(sessionId: string): DomainEvent {
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

describe('readers of the log when nats-server is killed and restarted', () => {
  let server: NatsServer;
  let connection: NatsConnection;
  let store: EventStore;
  let writer: EventStore | undefined;
  let tail: Tail | undefined;
  let runner: ProjectionRunner | undefined;
  let db: Db;

  beforeAll(async () => {
    server = await NatsServer.start({ dataDir: path.join(temporaryDirectory('tail-kill'), 'nats') });
    // As the services connect (libs/platform connectNats).
    connection = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    store = await EventStore.open(connection);
    await store.ensureStreams([
      { name: STREAM, subjects: ['tk.>'] },
      { name: 'BULK', subjects: ['bulk.>'] },
    ]);
    db = createDb(await createTestDatabase('reader_recovery'));
    await db.$executeRawUnsafe('CREATE TABLE events_seen (n int NOT NULL)');
    await db.$executeRawUnsafe('INSERT INTO events_seen VALUES (0)');
  });
  afterAll(async () => {
    await db?.$disconnect();
    await connection?.close();
    await server?.stop();
  });

  afterEach(async () => {
    await tail?.stop();
    await runner?.stop();
    await writer?.connection.close();
  });

  /** 30,000 messages of 2 kB, just before a kill: enough that JetStream takes a moment to answer after the restart. */
  async function publishBulk(prefix: string): Promise<void> {
    const body = 'x'.repeat(2000);
    // 2 000 in flight at a time: 30 000 at once outlast the client's 5 s publish timeout on a loaded machine.
    for (let start = 0; start < 30_000; start += 2_000) {
      const acks = [];
      for (let i = start; i < start + 2_000; i++) acks.push(store.js.publish(`${prefix}.${i % 500}`, body));
      await Promise.all(acks);
    }
  }

  /** Appends a class event from another client once the server answers, retried while JetStream is still starting. */
  async function appendOnceAnswering(sessionId: string) {
    const publisher = await EventStore.open(await connect({ servers: server.url }));
    writer = publisher;
    return eventually(
      async () => {
        const result = await publisher.append(`tk.session.${sessionId}`, [started(sessionId)], {
          expected: 'any',
        });
        return result.ok ? result : undefined;
      },
      'an append after the restart',
      30_000,
      100,
    );
  }

  it('a tail resumes within seconds of NATS answering, skipping and doubling nothing', async () => {
    const handled: number[] = [];
    // The bulk messages below are not events: they reach onInvalid, which counts as handled here.
    const reader = await store.tail(
      STREAM,
      'tk.>',
      'all',
      ({ seq }) => handled.push(seq),
      (_subject, seq) => handled.push(seq),
    );
    tail = reader;
    await reader.caughtUp;
    expect(reader.status()).toMatchObject({ following: true });

    // Enough on the store that JetStream takes a moment to come back after the restart,
    // and the tail is busy delivering when the server dies.
    await publishBulk('tk.bulk');

    await server.stop(true);
    await eventually(
      () => (reader.status().following ? undefined : true),
      'the tail to say it is not following',
    );
    expect(reader.status().reason).toMatch(/NATS|disconnect/i);
    await server.start();
    const answering = Date.now();

    const appended = await appendOnceAnswering('s1');
    await eventually(
      () => (handled.includes(appended.version) ? true : undefined),
      'the tail to handle the event appended after the restart',
      // The 5 s, with room for a busy machine.
      8_000,
    );
    const resumedAfter = Date.now() - answering;

    const distinct = new Set(handled);
    const firstMissing = Array.from({ length: appended.version }, (_, index) => index + 1).find(
      (seq) => !distinct.has(seq),
    );
    expect({ doubled: handled.length - distinct.size, firstMissing }).toEqual({
      doubled: 0,
      firstMissing: undefined,
    });
    expect(reader.status()).toMatchObject({ following: true, reason: null });
    expect(resumedAfter).toBeLessThan(8_000);
  }, 90_000);

  it('a projection resumes within seconds of NATS answering, applying each event once', async () => {
    // Deliberately not idempotent: a doubled event shows up as a wrong count.
    const counting: Projection = {
      name: 'recovery-counter',
      stream: STREAM,
      filterSubject: 'tk.session.>',
      async apply(tx, events) {
        await tx.$executeRaw`UPDATE events_seen SET n = n + ${events.length}`;
      },
    };
    const count = async () => (await db.$queryRaw<Array<{ n: number }>>`SELECT n FROM events_seen`)[0]?.n;
    const before = await store.lastSequenceOf(STREAM, 'tk.session.>');
    const expectedBefore = (await store.readAggregate(STREAM, 'tk.session.>')).events.length;
    const projecting = new ProjectionRunner(store, db, counting, testLogger('test', 'error').logger);
    runner = projecting;
    await projecting.start();
    await eventually(() => (projecting.position >= before ? true : undefined), 'the projection to catch up');
    expect(projecting.status()).toMatchObject({ following: true });

    await publishBulk('bulk');
    await server.stop(true);
    await eventually(() => (projecting.status().following ? undefined : true), 'the runner to say so');
    await server.start();
    const answering = Date.now();

    const appended = await appendOnceAnswering('s2');
    await eventually(
      () => (projecting.position >= appended.version ? true : undefined),
      'the projection to apply the event appended after the restart',
      8_000,
    );
    expect(Date.now() - answering).toBeLessThan(8_000);
    expect(await count()).toBe(expectedBefore + 1);
    expect(projecting.status()).toMatchObject({ following: true, reason: null });
  }, 90_000);
});
