// The class read model against a real Postgres, fed events out of log order as
// a replay of a parked event does (POST /admin/projection-failures/:id/replay):
// the class never moves backwards.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sessionEvent, type SessionEvent } from '#contracts';
import { createDb, type Db } from '#db';
import type { StoredEvent } from '#eventstore';
import { createTestDatabase } from '#testing';
import { sessionsProjection } from './sessions.projection.js';

const SESSION = 's_replayed';
const T0 = Date.UTC(2026, 11, 4, 18);

function stored(seq: number, body: Pick<SessionEvent, 'type' | 'data'>): StoredEvent {
  const event = sessionEvent.parse({
    ...body,
    id: `${SESSION}:${seq}`,
    occurredAt: T0 + seq * 1000,
    recordedAt: T0 + seq * 1000,
    correlationId: 'test',
    causationId: null,
  });
  return { seq, subject: `evt.session.${SESSION}`, event };
}

describe('sessions projection, an event applied again out of order', () => {
  let db: Db;

  beforeAll(async () => {
    db = createDb(await createTestDatabase('sessions-projection'));
    await db.studio.create({ data: { id: 'st_replay', name: 'Replay' } });
  }, 60_000);

  afterAll(async () => {
    await db?.$disconnect();
  });

  it('a start replayed after the end fills in the start time but leaves the class ended, at its last version', async () => {
    const scheduled = stored(1, {
      type: 'session.scheduled',
      data: { sessionId: SESSION, studioId: 'st_replay', title: 'Replayed', startsAt: null },
    });
    const started = stored(2, {
      type: 'session.started',
      data: { sessionId: SESSION, startedAt: T0 + 2000 },
    });
    const ended = stored(3, { type: 'session.ended', data: { sessionId: SESSION, endedAt: T0 + 3000 } });
    // The start was parked; the end went on.
    await db.$transaction((tx) => sessionsProjection.apply(tx, [scheduled, ended]));
    await db.$transaction((tx) => sessionsProjection.apply(tx, [started]));

    const row = await db.session.findUniqueOrThrow({ where: { id: SESSION } });
    expect(row.status).toBe('ended');
    expect(row.startedAt?.getTime()).toBe(T0 + 2000);
    expect(row.endedAt?.getTime()).toBe(T0 + 3000);
    expect(row.version).toBe(3n);
  });
});
