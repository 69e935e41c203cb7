import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import { eventSubjects, isSessionEvent, streams } from '#contracts';
import { RuleError, sessionDecider, type SessionCommand } from '#domain';
import { testNatsUrl } from '#testing';
import { EventStore, type ExpectedVersion } from './event-store.js';
import { handleCommand, type Enveloped, type DomainEventBody } from './handle-command.js';

const uniqueId = () => `s${crypto.randomBytes(6).toString('hex')}`;

const schedule = (sessionId: string): SessionCommand => ({
  type: 'schedule',
  data: { sessionId, studioId: 'studio-1', title: 'Spin 45', startsAt: null },
});
const start: SessionCommand = { type: 'start', data: {} };
const join: SessionCommand = {
  type: 'addParticipant',
  data: {
    participantId: 'p-ana',
    memberId: 'ana',
    displayName: 'Ana',
    deviceId: null,
    maxHr: 180,
    maxHrAssumed: false,
    restingHr: 60,
    zoneThresholds: [90, 108, 126, 144, 162],
    sex: 'female',
    weightKg: 62,
    age: 40,
  },
};
const raiseFor = (participantId: string): SessionCommand => ({
  type: 'raiseMaxHr',
  data: { participantId, previousMaxHr: 180, maxHr: 190, zoneThresholds: [95, 114, 133, 152, 171], at: 42 },
});

describe('handleCommand', () => {
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

  const run = (
    sessionId: string,
    command: SessionCommand,
    options: Pick<Parameters<typeof handleCommand>[4], 'ifMatch' | 'append' | 'envelope'> = {},
  ) =>
    handleCommand(store, eventSubjects.session(sessionId), sessionDecider, command, {
      correlationId: 'test',
      accepts: isSessionEvent,
      ...options,
    });
  const typesOf = async (sessionId: string) =>
    (await store.readAggregate(streams.events.name, eventSubjects.session(sessionId))).events.map(
      ({ event }) => event.type,
    );

  it('appends the decided events and answers the new version and state', async () => {
    const sessionId = uniqueId();
    const scheduled = await run(sessionId, schedule(sessionId));
    const started = await run(sessionId, start, { ifMatch: scheduled.ok ? scheduled.version : -1 });
    expect(started).toMatchObject({ ok: true, state: { status: 'live', sessionId } });
    expect(started.ok && started.events[0]).toMatchObject({ type: 'session.started', correlationId: 'test' });
    expect(await typesOf(sessionId)).toEqual(['session.scheduled', 'session.started']);
  });

  it('refuses a stale If-Match without deciding', async () => {
    const sessionId = uniqueId();
    const scheduled = await run(sessionId, schedule(sessionId));
    const version = scheduled.ok ? scheduled.version : -1;
    expect(await run(sessionId, start, { ifMatch: version - 1 })).toEqual({
      ok: false,
      reason: 'stale',
      version,
      ifMatch: version - 1,
    });
    expect(await typesOf(sessionId)).toEqual(['session.scheduled']);
  });

  it("throws the rules' refusal and appends nothing", async () => {
    const sessionId = uniqueId();
    await run(sessionId, schedule(sessionId));
    await expect(run(sessionId, schedule(sessionId))).rejects.toThrow(RuleError);
    expect(await typesOf(sessionId)).toEqual(['session.scheduled']);
  });

  it('appends nothing and succeeds when the rules decide nothing', async () => {
    const sessionId = uniqueId();
    await run(sessionId, schedule(sessionId));
    await run(sessionId, join);
    const started = await run(sessionId, start);
    const version = started.ok ? started.version : -1;
    // Only Ana joined: a raise for anyone else is a no-op, not a refusal.
    expect(await run(sessionId, raiseFor('p-nobody'))).toMatchObject({ ok: true, version, events: [] });
    expect(await typesOf(sessionId)).toEqual([
      'session.scheduled',
      'session.participant-joined',
      'session.started',
    ]);
  });

  it("gives a decided event the caller's envelope id and time", async () => {
    const sessionId = uniqueId();
    await run(sessionId, schedule(sessionId));
    await run(sessionId, join);
    await run(sessionId, start);
    await run(sessionId, raiseFor('p-ana'), {
      envelope: () => ({ id: `${sessionId}:raise`, occurredAt: 42 }),
    });
    const { events } = await store.readAggregate(streams.events.name, eventSubjects.session(sessionId));
    expect(events.at(-1)?.event).toMatchObject({ id: `${sessionId}:raise`, occurredAt: 42 });
  });

  describe('when another writer appends while the command runs', () => {
    /** Appends like another instance would, just before this command's own append, once. */
    const interleaved = (sessionId: string, interference: SessionCommand = join) => {
      let interfered = false;
      return async (_state: unknown, events: Enveloped<DomainEventBody>[], expected: ExpectedVersion) => {
        if (!interfered) {
          interfered = true;
          await run(sessionId, interference);
        }
        return store.append(eventSubjects.session(sessionId), events.filter(isSessionEvent), { expected });
      };
    };

    it('decides again on fresh state when the caller gave no If-Match', async () => {
      const sessionId = uniqueId();
      await run(sessionId, schedule(sessionId));
      const started = await run(sessionId, start, { append: interleaved(sessionId) });
      expect(started).toMatchObject({ ok: true, state: { status: 'live' } });
      expect(started.ok && started.state.status === 'live' && started.state.participants.has('p-ana')).toBe(
        true,
      );
      expect(await typesOf(sessionId)).toEqual([
        'session.scheduled',
        'session.participant-joined',
        'session.started',
      ]);
    });

    it('decides nothing on the retry when the other writer appended the same raise', async () => {
      const sessionId = uniqueId();
      await run(sessionId, schedule(sessionId));
      await run(sessionId, join);
      await run(sessionId, start);
      const raise = raiseFor('p-ana');
      const raised = await run(sessionId, raise, { append: interleaved(sessionId, raise) });
      expect(raised).toMatchObject({ ok: true, events: [] });
      expect(await typesOf(sessionId)).toEqual([
        'session.scheduled',
        'session.participant-joined',
        'session.started',
        'session.max-hr-raised',
      ]);
    });

    it('answers a conflict when the caller gave an If-Match', async () => {
      const sessionId = uniqueId();
      const scheduled = await run(sessionId, schedule(sessionId));
      const ifMatch = scheduled.ok ? scheduled.version : -1;
      expect(await run(sessionId, start, { ifMatch, append: interleaved(sessionId) })).toEqual({
        ok: false,
        reason: 'conflict',
      });
      expect(await typesOf(sessionId)).toEqual(['session.scheduled', 'session.participant-joined']);
    });
  });
});
