// The class read model against real NATS and Postgres: built live, with the
// API restarted in the middle of a class (its state read back from the
// class's subject), it holds the same rows as a rebuild from scratch; and
// applying the whole log again changes nothing.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { eventSubjects, isSessionEvent, type SessionEvent } from '#contracts';
import { createDb, type Db } from '#db';
import type { SessionEventBody } from '#domain';
import { EventStore, LogUnavailableError, type StoredEvent } from '#eventstore';
import { createTestDatabase, testNatsUrl } from '#testing';
import { SessionsProjection } from './sessions.projection.js';

const T0 = Date.UTC(2026, 11, 7, 18);
const newId = (prefix: string) => `${prefix}_${crypto.randomBytes(8).toString('hex')}`;
const zones = (max: number) => [0.5, 0.6, 0.7, 0.8, 0.9].map((share) => Math.round(max * share));

/** Appends each class's events in order, as its decider would, and keeps the log as a projection reads it. */
class ClassLog {
  readonly events: StoredEvent[] = [];
  private readonly versions = new Map<string, number>();

  constructor(private readonly store: EventStore) {}

  async append(body: SessionEventBody): Promise<void> {
    const sessionId = body.data.sessionId;
    const at = T0 + this.events.length * 1000;
    const event = {
      id: crypto.randomUUID(),
      occurredAt: at,
      recordedAt: at,
      correlationId: 'spec',
      causationId: null,
      ...body,
    } satisfies SessionEvent;
    const subject = eventSubjects.session(sessionId);
    const version = this.versions.get(sessionId) ?? 0;
    const result = await this.store.append(subject, [event], { expected: version === 0 ? 'none' : version });
    if (!result.ok) throw new Error(`conflict on ${subject}`);
    this.versions.set(sessionId, result.version);
    this.events.push({ seq: result.version, subject, event });
  }

  versionOf(sessionId: string): number {
    return this.versions.get(sessionId) ?? 0;
  }

  /** When the class's first event of this type was recorded. */
  occurredAt(sessionId: string, type: SessionEvent['type']): number {
    const found = this.events.find(
      ({ event }) => isSessionEvent(event) && event.type === type && event.data.sessionId === sessionId,
    );
    if (found === undefined) throw new Error(`no ${type} of ${sessionId}`);
    return found.event.occurredAt;
  }
}

function joined(sessionId: string, participantId: string, maxHr: number): SessionEventBody {
  return {
    type: 'session.participant-joined',
    data: {
      sessionId,
      participantId,
      memberId: newId('m'),
      displayName: participantId,
      deviceId: `ant:${participantId}`,
      maxHr,
      maxHrAssumed: false,
      restingHr: 60,
      zoneThresholds: zones(maxHr),
      sex: 'female',
      weightKg: 60,
      age: 35,
    },
  };
}

/** Applies events in transactions of `batch`, as the projection runner does. */
async function project(db: Db, projection: SessionsProjection, events: StoredEvent[], batch: number) {
  for (let next = 0; next < events.length; next += batch)
    await db.$transaction((tx) => projection.apply(tx, events.slice(next, next + batch)));
}

describe('sessions projection, live and rebuilt from the log', () => {
  let nats: NatsConnection;
  let store: EventStore;
  let live: Db;
  let rebuilt: Db;
  // Named to sort A, B, C.
  const [classA, classB, classC] = [newId('s_a'), newId('s_b'), newId('s_c')];
  const [p1, p2, p3, q1] = [newId('p'), newId('p'), newId('p'), newId('p')];
  let log: ClassLog;
  let restarted: SessionsProjection;

  const rows = (db: Db) =>
    db.session.findMany({
      where: { id: { in: [classA, classB, classC] } },
      orderBy: { id: 'asc' },
      include: { participants: { orderBy: { id: 'asc' } } },
    });

  beforeAll(async () => {
    nats = await connect({ servers: testNatsUrl() });
    store = await EventStore.open(nats);
    await store.ensureStreams();
    live = createDb(await createTestDatabase('sessions-live'));
    rebuilt = createDb(await createTestDatabase('sessions-rebuilt'));
    log = new ClassLog(store);
    const studioId = newId('st');
    for (const sessionId of [classA, classB, classC])
      await log.append({
        type: 'session.scheduled',
        data: { sessionId, studioId, title: 'Spin', startsAt: null },
      });
    await log.append(joined(classA, p1, 180));
    await log.append(joined(classA, p2, 170));
    await log.append(joined(classB, q1, 175));
    await log.append({ type: 'session.started', data: { sessionId: classA, startedAt: T0 + 7000 } });
    await log.append({ type: 'session.started', data: { sessionId: classB, startedAt: T0 + 8000 } });
    const beforeRestart = log.events.length;
    const raise = (previousMaxHr: number, maxHr: number): SessionEventBody => ({
      type: 'session.max-hr-raised',
      data: {
        sessionId: classA,
        participantId: p1,
        previousMaxHr,
        maxHr,
        zoneThresholds: zones(maxHr),
        at: T0,
      },
    });
    await log.append(raise(180, 190));
    await log.append({ type: 'session.participant-left', data: { sessionId: classA, participantId: p2 } });
    await log.append(joined(classA, p3, 185));
    await log.append({ type: 'session.participant-left', data: { sessionId: classB, participantId: q1 } });
    // A second instance saw the same streak: a raise from a max no longer held moves nothing.
    await log.append(raise(180, 195));
    await log.append({ type: 'session.ended', data: { sessionId: classA, endedAt: T0 + 20_000 } });

    // Live: one event a transaction, then the API restarts in the middle of A and B.
    await project(live, new SessionsProjection(store), log.events.slice(0, beforeRestart), 1);
    restarted = new SessionsProjection(store);
    await project(live, restarted, log.events.slice(beforeRestart), 2);
  }, 60_000);

  afterAll(async () => {
    await live?.$disconnect();
    await rebuilt?.$disconnect();
    await nats?.drain();
  });

  it('built live across a restart mid-class: each class read back once, the ended one let go of', async () => {
    expect(restarted.classesReadBack).toBe(2);
    expect(restarted.classesHeld).toBe(1);
    const [a, b, c] = await rows(live);
    expect(a).toMatchObject({
      status: 'ended',
      startedAt: new Date(T0 + 7000),
      endedAt: new Date(T0 + 20_000),
      version: BigInt(log.versionOf(classA)),
    });
    const byId = new Map(a?.participants.map((participant) => [participant.id, participant]));
    expect(byId.get(p1)).toMatchObject({ maxHr: 190, zoneThresholds: zones(190), leftAt: null });
    expect(byId.get(p2)?.leftAt).toEqual(new Date(log.occurredAt(classA, 'session.participant-left')));
    expect(byId.get(p3)).toMatchObject({ maxHr: 185, leftAt: null });
    expect(b).toMatchObject({ status: 'live', endedAt: null, version: BigInt(log.versionOf(classB)) });
    expect(b?.participants[0]?.leftAt).toEqual(new Date(log.occurredAt(classB, 'session.participant-left')));
    expect(c).toMatchObject({ status: 'scheduled', startedAt: null, participants: [] });
  });

  it('a rebuild from scratch reads nothing back and holds the same rows', async () => {
    const fromScratch = new SessionsProjection(store);
    await project(rebuilt, fromScratch, log.events, 4);
    expect(fromScratch.classesReadBack).toBe(0);
    expect(await rows(rebuilt)).toEqual(await rows(live));
  });

  it('the whole log applied again changes no row', async () => {
    const before = await rows(live);
    await project(live, new SessionsProjection(store), log.events, 3);
    expect(await rows(live)).toEqual(before);
  });

  it('another instance applied the class meanwhile: its state is read back, not taken from memory', async () => {
    const classD = newId('s_d');
    const participantId = newId('p');
    const from = log.events.length;
    await log.append({
      type: 'session.scheduled',
      data: { sessionId: classD, studioId: newId('st'), title: 'Row', startsAt: null },
    });
    await log.append(joined(classD, participantId, 180));
    const raise = (previousMaxHr: number, maxHr: number): SessionEventBody => ({
      type: 'session.max-hr-raised',
      data: { sessionId: classD, participantId, previousMaxHr, maxHr, zoneThresholds: zones(maxHr), at: T0 },
    });
    await log.append(raise(180, 190));
    await log.append(raise(190, 200));
    const [scheduled, join, first, second] = log.events.slice(from);
    if (scheduled === undefined || join === undefined || first === undefined || second === undefined)
      throw new Error('unreachable');
    const instanceA = new SessionsProjection(store);
    await project(live, instanceA, [scheduled, join], 1);
    await project(live, new SessionsProjection(store), [first], 1);
    await project(live, instanceA, [second], 1);

    expect(instanceA.classesReadBack).toBe(1);
    const row = await live.participant.findUniqueOrThrow({ where: { id: participantId } });
    expect(row).toMatchObject({ maxHr: 200, zoneThresholds: zones(200) });
  });

  it('the log away while a class is read back: the batch fails as an outage (waited out, not parked)', async () => {
    const away = await connect({ servers: testNatsUrl() });
    const projection = new SessionsProjection(await EventStore.open(away));
    await away.close();
    // A raise of class A, which this new instance does not hold.
    const event = log.events.find((stored) => stored.event.type === 'session.max-hr-raised');
    if (event === undefined) throw new Error('unreachable');
    await expect(live.$transaction((tx) => projection.apply(tx, [event]))).rejects.toBeInstanceOf(
      LogUnavailableError,
    );
  });
});
