// A projection never blocks on one event. An event an old log may hold, written
// straight to the streams (past ingest's rules): a heart-rate sample in the
// year 10000; and an athlete's join the database refuses (a bad migration added
// a constraint their name breaks). History and class lists of every other class
// go on; the operator sees the parked event, and replays it once the database
// is fixed. (A join to a class never scheduled is no refusal: the class's fold
// ignores it, as the decider never writes it.)
import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  eventSubjects,
  heartRateSeries,
  issuedToken,
  problem,
  projectionFailure,
  projectionFailureList,
  sessionEventsPage,
  sessionView,
  type DomainEvent,
  type HeartRateBatchRecorded,
} from '#contracts';
import { EventStore } from '#eventstore';
import { eventually, startTestStack, type TestStack } from '#testing';
import { expectStatus, setUpLiveClass, type LiveClass } from './support/live-class.js';

const newId = (prefix: string) => `${prefix}_${crypto.randomBytes(12).toString('base64url')}`;

function heartRate(live: LiveClass, ts: number, bpm: number): HeartRateBatchRecorded {
  const [[deviceId, participantId] = ['', '']] = [...live.participantsByDevice];
  return {
    id: crypto.randomUUID(),
    type: 'heart-rate.batch-recorded',
    occurredAt: Date.now(),
    recordedAt: Date.now(),
    correlationId: 'old-log',
    causationId: null,
    data: {
      sessionId: live.sessionId,
      studioId: live.studioId,
      gatewayId: 'gw',
      samples: [{ participantId, deviceId, ts, bpm, zone: 2, pctMax: 60 }],
    },
  };
}

describe('events a projection cannot apply', () => {
  let stack: TestStack;
  let nats: NatsConnection;
  let store: EventStore;

  beforeAll(async () => {
    stack = await startTestStack(['api']);
    nats = await stack.connectNats();
    store = await EventStore.open(nats);
  }, 120_000);

  afterAll(async () => {
    await nats?.close();
    await stack?.stop();
  });

  const rawSeries = async (sessionId: string) =>
    heartRateSeries.parse(
      await expectStatus(stack.api('GET', `/api/v1/sessions/${sessionId}/heart-rate?bucket=raw`), 200),
    );

  it('stores a sample of the year 10000 and keeps history going for the classes after it', async () => {
    const first = await setUpLiveClass(stack, ['ant:1:1']);
    const second = await setUpLiveClass(stack, ['ant:2:2']);
    const yearTenThousand = Date.UTC(10000, 0, 1);
    await store.append(`hr.${first.sessionId}.gw`, [heartRate(first, yearTenThousand, 101)], {
      expected: 'any',
    });
    const now = Date.now();
    await store.append(`hr.${second.sessionId}.gw`, [heartRate(second, now, 142)], { expected: 'any' });

    await eventually(
      async () =>
        (await rawSeries(second.sessionId)).participants[0]?.points.length === 1 ? true : undefined,
      "the later class's sample in history",
    );
    expect((await rawSeries(second.sessionId)).participants[0]?.points).toEqual([
      { t: now, bpm: 142, zone: 2 },
    ]);
    expect((await rawSeries(first.sessionId)).participants[0]?.points).toEqual([
      { t: yearTenThousand, bpm: 101, zone: 2 },
    ]);
  }, 60_000);

  it('parks an event the database refuses, goes on with the next classes, and replays it after the fix', async () => {
    const live = await setUpLiveClass(stack, ['ant:3:3']);
    const database = new pg.Client({ connectionString: stack.databaseUrl });
    await database.connect();
    // A bad migration: the participants table now refuses a name an athlete has.
    await database.query(
      "ALTER TABLE participants ADD CONSTRAINT refuses_a_name CHECK (display_name <> 'Unstorable') NOT VALID",
    );
    const { events } = sessionEventsPage.parse(
      await expectStatus(stack.api('GET', `/api/v1/sessions/${live.sessionId}/events`), 200),
    );
    const joined = events.find((event) => event.type === 'session.participant-joined');
    if (joined?.type !== 'session.participant-joined') throw new Error('the class has no participant');
    const refusedClass = live.sessionId;
    const refusedJoin: DomainEvent = {
      id: crypto.randomUUID(),
      type: 'session.participant-joined',
      occurredAt: Date.now(),
      recordedAt: Date.now(),
      correlationId: 'old-log',
      causationId: null,
      data: {
        ...joined.data,
        participantId: newId('p'),
        memberId: newId('m'),
        displayName: 'Unstorable',
        deviceId: null,
      },
    };
    await store.append(eventSubjects.session(refusedClass), [refusedJoin], { expected: 'any' });

    // A class scheduled after it is listed as usual.
    const later = sessionView.parse(
      await expectStatus(
        stack.api('POST', `/api/v1/studios/${live.studioId}/sessions`, { title: 'Later' }),
        201,
      ),
    );
    await eventually(
      async () =>
        (await stack.api('GET', `/api/v1/sessions/${later.id}`)).status === 200 ? true : undefined,
      'the later class in the read model',
    );

    const listed = projectionFailureList.parse(
      await expectStatus(stack.api('GET', '/api/v1/admin/projection-failures'), 200),
    );
    const failure = listed.failures.find((parked) => parked.subject === eventSubjects.session(refusedClass));
    expect(failure).toMatchObject({
      projection: 'api-sessions',
      stream: 'EVENTS',
      error: { code: '23514' },
      resolvedAt: null,
    });
    if (failure === undefined) throw new Error('unreachable');
    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(metrics).toContain('hrm_projection_events_parked_total{projection="api-sessions"} 1');

    // Only the platform operator: a studio's own operator token gets 403.
    const studioOperator = issuedToken.parse(
      await expectStatus(
        stack.api('POST', `/api/v1/studios/${live.studioId}/tokens`, { role: 'operator' }),
        201,
      ),
    ).token;
    await expectStatus(stack.api('GET', '/api/v1/admin/projection-failures', undefined, studioOperator), 403);
    const replayPath = `/api/v1/admin/projection-failures/${failure.id}/replay`;
    await expectStatus(stack.api('POST', replayPath, undefined, studioOperator), 403);

    // Still refused: 409 with the error, and it stays parked.
    const refused = await stack.api('POST', replayPath);
    expect(refused.status).toBe(409);
    expect(problem.parse(refused.body)).toMatchObject({ type: 'urn:hrm:projection:still-failing' });

    // The fix: the constraint goes. Replayed, the athlete is in the class.
    await database.query('ALTER TABLE participants DROP CONSTRAINT refuses_a_name');
    await database.end();
    const replayed = projectionFailure.parse(await expectStatus(stack.api('POST', replayPath), 200));
    expect(replayed.resolvedAt).toEqual(expect.any(Number));
    const recovered = sessionView.parse(
      await expectStatus(stack.api('GET', `/api/v1/sessions/${refusedClass}`), 200),
    );
    expect(recovered.participants.map((participant) => participant.displayName)).toContain('Unstorable');
    const stillParked = projectionFailureList.parse(
      await expectStatus(stack.api('GET', '/api/v1/admin/projection-failures'), 200),
    );
    expect(stillParked.failures.map((parked) => parked.id)).not.toContain(failure.id);
  }, 90_000);
});
