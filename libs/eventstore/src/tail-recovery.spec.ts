// A tail across a crash of nats-server (SIGKILL, restarted on its store): it
// follows again within seconds of NATS answering, with every event handled
// exactly once, and says meanwhile that it is not following.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import path from 'node:path';
import type { DomainEvent } from '#contracts';
import { NatsServer } from '#localstack';
import { eventually, temporaryDirectory } from '#testing';
import { EventStore, type Tail } from './event-store.js';

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

describe('a tail when nats-server is killed and restarted', () => {
  let server: NatsServer;
  let connection: NatsConnection;
  let store: EventStore;
  let writer: EventStore | undefined;
  let tail: Tail | undefined;

  beforeAll(async () => {
    server = await NatsServer.start({ dataDir: path.join(temporaryDirectory('tail-kill'), 'nats') });
    // As the services connect (libs/platform connectNats).
    connection = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    store = await EventStore.open(connection);
    await store.ensureStreams([{ name: STREAM, subjects: ['tk.>'] }]);
  });
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  afterEach(async () => {
    await tail?.stop();
    await writer?.connection.close();
  });

  it('resumes within seconds of NATS answering, skipping and doubling nothing', async () => {
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
    const body = 'x'.repeat(2000);
    const acks = [];
    for (let i = 0; i < 30_000; i++) acks.push(store.js.publish(`tk.bulk.${i % 500}`, body));
    await Promise.all(acks);

    await server.stop(true);
    await eventually(
      () => (reader.status().following ? undefined : true),
      'the tail to say it is not following',
    );
    expect(reader.status().reason).toMatch(/NATS|disconnect/i);
    await server.start();
    const answering = Date.now();

    // Published by another client once the server answers.
    const publisher = await EventStore.open(await connect({ servers: server.url }));
    writer = publisher;
    const appended = await publisher.append('tk.session.s1', [started('s1')], { expected: 'any' });
    if (!appended.ok) throw new Error('append after the restart failed');
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
});
