// A projection never blocks on one event: an event the database refuses is
// parked (recorded, counted, logged once) and every other event is applied;
// an outage parks nothing and everything is applied once the database is back.
import crypto from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { createLogger } from '#config';
import type { DomainEvent } from '#contracts';
import { createDb, type Db } from '#db';
import { Metrics } from '#platform';
import { createTestDatabase, eventually, sleep, testNatsUrl } from '#testing';
import { EventStore } from './event-store.js';
import { ProjectionRunner, type Projection } from './projection-runner.js';

function scheduled(title: string): DomainEvent {
  const now = Date.now();
  const sessionId = `s${crypto.randomBytes(6).toString('hex')}`;
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

/** A TCP relay to Postgres that a test can cut (every connection reset, new ones refused) and restore. */
async function cuttableRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => undefined);
          socket.on('close', () => sockets.delete(socket));
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        const address = server?.address();
        if (typeof address === 'object' && address !== null) port = address.port;
        resolve();
      });
    });
  await listen();
  return {
    url: () => Object.assign(new URL(target.href), { port: String(port) }).href,
    async cut() {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
    restore: listen,
  };
}

describe('projection runner and events it cannot apply', () => {
  let db: Db;
  let databaseUrl: string;
  let store: EventStore;
  const prefix = `park${crypto.randomBytes(4).toString('hex')}`;
  const stream = prefix.toUpperCase();
  const append = async (title: string) => {
    const event = scheduled(title);
    if (event.type !== 'session.scheduled') throw new Error('unreachable');
    const result = await store.append(`${prefix}.session.${event.data.sessionId}`, [event], {
      expected: 'none',
    });
    if (!result.ok) throw new Error('append refused');
    return result.version;
  };
  const titles = async () =>
    (await db.$queryRaw<Array<{ title: string }>>`SELECT title FROM titles ORDER BY seq`).map(
      (row) => row.title,
    );

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('parking');
    db = createDb(databaseUrl);
    await db.$executeRawUnsafe('CREATE TABLE titles (seq int PRIMARY KEY, title text NOT NULL)');
    store = await EventStore.open(await connect({ servers: testNatsUrl() }));
    await store.ensureStreams([{ name: stream, subjects: [`${prefix}.>`] }]);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await store?.connection.close();
  });

  /** Inserts each title; a title `poison` divides by zero (a refusal, as bad data gets) until `cured`. */
  const recording = (name: string, state: { cured: boolean }): Projection => ({
    name,
    stream,
    filterSubject: `${prefix}.>`,
    async apply(tx, events) {
      for (const { seq, event } of events) {
        if (event.type !== 'session.scheduled') continue;
        if (event.data.title === 'poison' && !state.cured) await tx.$executeRaw`SELECT 1/0`;
        await tx.$executeRaw`INSERT INTO titles VALUES (${seq}, ${event.data.title}) ON CONFLICT DO NOTHING`;
      }
    },
  });

  it('parks the one event the database refuses, applies its neighbours and goes on, then replays it', async () => {
    const name = `${prefix}-poison`;
    const state = { cured: false };
    const lines: string[] = [];
    const metrics = new Metrics();
    const logger = createLogger('test', 'warn', {}, (line) => lines.push(line));
    for (const title of ['a', 'b', 'c', 'd']) await append(title);
    const poisonSeq = await append('poison');
    for (const title of ['e', 'f', 'g']) await append(title);

    const runner = new ProjectionRunner(store, db, recording(name, state), logger, {
      batchSize: 20,
      metrics,
    });
    await runner.start();
    await eventually(
      () => (runner.position >= poisonSeq + 3 ? true : undefined),
      'the runner to pass the poison',
    );
    // Events after the parked one, in another batch, go on too.
    const last = await append('h');
    await eventually(() => (runner.position >= last ? true : undefined), 'the runner to apply a later event');
    await runner.stop();

    expect(await titles()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const parked = await db.projectionFailure.findMany({ where: { projection: name } });
    expect(parked).toEqual([
      expect.objectContaining({
        stream,
        seq: BigInt(poisonSeq),
        subject: expect.stringMatching(new RegExp(`^${prefix}\\.session\\.`)),
        errorCode: '22012',
        errorMessage: 'division by zero',
        attempts: 3,
        resolvedAt: null,
      }),
    ]);
    const checkpoint = await db.projectionCheckpoint.findUnique({ where: { name } });
    expect(checkpoint?.position).toBe(BigInt(last));
    expect(metrics.render()).toContain(`hrm_projection_events_parked_total{projection="${name}"} 1`);
    await eventually(
      () =>
        metrics.render().includes(`hrm_projection_events_parked{projection="${name}"} 1`) ? true : undefined,
      'the gauge of parked events',
    );
    const errors = lines.filter((line) => line.includes('"level":"error"'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`"seq":${poisonSeq}`);

    // After the fix, the operator replays it: applied once, and marked resolved.
    const [failure] = parked;
    if (failure === undefined) throw new Error('unreachable');
    expect(await runner.replay(failure.id)).toMatchObject({ ok: false, reason: 'still-failing' });
    state.cured = true;
    expect(await runner.replay(failure.id)).toMatchObject({
      ok: true,
      failure: { resolvedAt: expect.any(Date) },
    });
    expect(await titles()).toEqual(['a', 'b', 'c', 'd', 'poison', 'e', 'f', 'g', 'h']);
    expect(metrics.render()).toContain(`hrm_projection_events_parked{projection="${name}"} 0`);
  });

  it('parks an event that does not parse, once, so an operator sees it', async () => {
    const name = `${prefix}-invalid`;
    const lines: string[] = [];
    const logger = createLogger('test', 'warn', {}, (line) => lines.push(line));
    const runner = new ProjectionRunner(store, db, recording(name, { cured: true }), logger);
    const garbled = await store.js.publish(`${prefix}.session.garbled`, new TextEncoder().encode('{"not":'));
    const after = await append('after the garbled one');
    await runner.start();
    await eventually(() => (runner.position >= after ? true : undefined), 'the runner to pass it');
    await runner.stop();
    expect(await db.projectionFailure.findMany({ where: { projection: name } })).toEqual([
      expect.objectContaining({
        seq: BigInt(garbled.seq),
        errorCode: 'invalid-event',
        errorMessage: 'not JSON',
      }),
    ]);
    expect(await titles()).toContain('after the garbled one');
    expect(lines.filter((line) => line.includes('"level":"error"'))).toHaveLength(1);
  });

  it('waits out a table another transaction holds locked (lock_timeout, 55P03), parking nothing', async () => {
    const name = `${prefix}-locked`;
    const impatient: Projection = {
      ...recording(name, { cured: true }),
      async apply(tx, events) {
        await tx.$executeRaw`SET LOCAL lock_timeout = '200ms'`;
        await recording(name, { cured: true }).apply(tx, events);
      },
    };
    const logger = createLogger('test', 'error', {}, () => undefined);
    const runner = new ProjectionRunner(store, db, impatient, logger, { batchSize: 5 });
    await runner.start();
    const before = await append('before the lock');
    await eventually(() => (runner.position >= before ? true : undefined), 'the runner to start');

    let last = 0;
    // A migration, say, holds the table for 3 s while events arrive.
    await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`LOCK TABLE titles IN ACCESS EXCLUSIVE MODE`;
        for (let i = 0; i < 5; i++) last = await append(`while locked ${i}`);
        await sleep(3000);
        expect(runner.position).toBeLessThan(last);
      },
      { timeout: 10_000 },
    );
    await eventually(() => (runner.position >= last ? true : undefined), 'the runner to catch up');
    await runner.stop();
    expect(await db.projectionFailure.count({ where: { projection: name, seq: { gt: before } } })).toBe(0);
    const applied = await db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM titles WHERE seq > ${before} AND seq <= ${last}`;
    expect(applied[0]?.n).toBe(5);
  });

  it('parks nothing during a database outage, and applies everything once it is back', async () => {
    const name = `${prefix}-outage`;
    const relay = await cuttableRelay(new URL(databaseUrl));
    const throughRelay = createDb(relay.url(), 2);
    const lines: string[] = [];
    const logger = createLogger('test', 'error', {}, (line) => lines.push(line));
    const runner = new ProjectionRunner(store, throughRelay, recording(name, { cured: true }), logger, {
      batchSize: 5,
    });
    try {
      await runner.start();
      const before = await append('before');
      await eventually(() => (runner.position >= before ? true : undefined), 'the runner to start');

      await relay.cut();
      let last = 0;
      for (let i = 0; i < 12; i++) last = await append(`during ${i}`);
      // Long enough for several attempts against the missing database.
      await sleep(2500);
      expect(runner.position).toBeLessThan(last);
      await relay.restore();

      await eventually(() => (runner.position >= last ? true : undefined), 'the runner to catch up', 30_000);
      // (The garbled event of the test before is parked when this runner reads the stream from its start.)
      const parkedSince = await db.projectionFailure.count({
        where: { projection: name, seq: { gt: before } },
      });
      expect(parkedSince).toBe(0);
      const applied = await db.$queryRaw<Array<{ n: number }>>`
        SELECT count(*)::int AS n FROM titles WHERE seq > ${before} AND seq <= ${last}`;
      expect(applied[0]?.n).toBe(12);
      expect(lines.some((line) => line.includes('retrying from the checkpoint'))).toBe(true);
    } finally {
      await runner.stop();
      await throughRelay.$disconnect();
      await relay.cut();
    }
  }, 60_000);
});
