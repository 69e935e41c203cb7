// The class read model against a real Postgres and the real log, fed events
// out of log order as a replay of a parked event does
// (POST /admin/projection-failures/:id/replay): the class never moves backwards.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import { eventSubjects, sessionEvent, type SessionEvent } from '#contracts';
import { createDb, type Db } from '#db';
import { EventStore, type StoredEvent } from '#eventstore';
import { createTestDatabase, testNatsUrl } from '#testing';
import { SessionsProjection } from './sessions.projection.js';

const T0 = Date.UTC(2026, 11, 4, 18);

describe('sessions projection, an event applied again out of order', () => {
  let db: Db;
  let connection: NatsConnection;
  let store: EventStore;

  beforeAll(async () => {
    db = createDb(await createTestDatabase('sessions-projection'));
    await db.studio.create({ data: { id: 'st_replay', name: 'Replay' } });
    connection = await connect({ servers: testNatsUrl() });
    store = await EventStore.open(connection);
    await store.ensureStreams();
  }, 60_000);

  afterAll(async () => {
    await db?.$disconnect();
    await connection?.close();
  });

  /** Appends the class's events to the log, as decided, and returns them as the projection reads them. */
  async function logged(sessionId: string, bodies: Array<Pick<SessionEvent, 'type' | 'data'>>) {
    const stored: StoredEvent[] = [];
    for (const [index, body] of bodies.entries()) {
      const at = T0 + (index + 1) * 1000;
      const event = sessionEvent.parse({
        ...body,
        id: crypto.randomUUID(),
        occurredAt: at,
        recordedAt: at,
        correlationId: 'test',
        causationId: null,
      });
      const subject = eventSubjects.session(sessionId);
      const result = await store.append(subject, [event], { expected: 'any' });
      if (!result.ok) throw new Error('append refused');
      stored.push({ seq: result.version, subject, event });
    }
    return stored;
  }

  it('a start replayed after the end fills in the start time but leaves the class ended, at its last version', async () => {
    const sessionId = `s_${crypto.randomBytes(4).toString('hex')}`;
    const [scheduled, started, ended] = await logged(sessionId, [
      {
        type: 'session.scheduled',
        data: { sessionId, studioId: 'st_replay', title: 'Replayed', startsAt: null },
      },
      { type: 'session.started', data: { sessionId, startedAt: T0 + 2000 } },
      { type: 'session.ended', data: { sessionId, endedAt: T0 + 3000 } },
    ]);
    if (scheduled === undefined || started === undefined || ended === undefined)
      throw new Error('unreachable');
    const projection = new SessionsProjection(store);
    await db.$transaction((tx) => projection.apply(tx, [scheduled]));
    // The database refuses the start (a bad migration): the runner parks it, and the end goes on.
    await db.$executeRawUnsafe(
      'ALTER TABLE sessions ADD CONSTRAINT refuses_starts CHECK (started_at IS NULL)',
    );
    await expect(db.$transaction((tx) => projection.apply(tx, [started]))).rejects.toThrow(/refuses_starts/);
    await db.$transaction((tx) => projection.apply(tx, [ended]));
    expect(await db.session.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: 'ended',
      startedAt: null,
      version: BigInt(ended.seq),
    });

    // Replayed after the fix, by a projection that holds nothing of the class (another instance, a restart).
    await db.$executeRawUnsafe('ALTER TABLE sessions DROP CONSTRAINT refuses_starts');
    await db.$transaction((tx) => new SessionsProjection(store).apply(tx, [started]));
    const row = await db.session.findUniqueOrThrow({ where: { id: sessionId } });
    expect(row.status).toBe('ended');
    expect(row.startedAt?.getTime()).toBe(T0 + 2000);
    expect(row.endedAt?.getTime()).toBe(T0 + 3000);
    expect(row.version).toBe(BigInt(ended.seq));
  });
});
