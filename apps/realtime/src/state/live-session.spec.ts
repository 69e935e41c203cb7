import { describe, expect, it } from '@jest/globals';
import {
  heartRateBatchRecorded,
  heartRateRecorded,
  sessionEvent,
  sessionScheduled,
  type HeartRateEvent,
  type SessionEvent,
} from '#contracts';
import { evolve, foldSession, pctMaxOf, summarizeEffort, zoneOf } from '#domain';
import { LiveSessionState, type LiveChange } from './live-session.js';

const SESSION = 's-monday';
const T0 = Date.UTC(2026, 10, 26, 10, 0);
const THRESHOLDS = [90, 108, 126, 144, 162];

let eventCount = 0;
const envelope = (occurredAt: number) => {
  eventCount++;
  return {
    id: `evt-${eventCount}`,
    occurredAt,
    recordedAt: occurredAt,
    correlationId: 'corr',
    causationId: null,
  };
};

const scheduled = sessionScheduled.parse({
  ...envelope(T0 - 3_600_000),
  type: 'session.scheduled',
  data: { sessionId: SESSION, studioId: 'downtown', title: 'Monday spin', startsAt: T0 },
});

interface Athlete {
  participantId: string;
  restingHr?: number | null;
  weightKg?: number | null;
}

const joined = ({ participantId, restingHr = 60, weightKg = 80 }: Athlete): SessionEvent =>
  sessionEvent.parse({
    ...envelope(T0 - 60_000),
    type: 'session.participant-joined',
    data: {
      sessionId: SESSION,
      participantId,
      memberId: `m-${participantId}`,
      displayName: `Athlete ${participantId}`,
      deviceId: `ant:${participantId}`,
      maxHr: 180,
      maxHrAssumed: false,
      restingHr,
      zoneThresholds: THRESHOLDS,
      sex: 'male',
      weightKg,
      age: 35,
    },
  });

const left = (participantId: string): SessionEvent =>
  sessionEvent.parse({
    ...envelope(T0 + 600_000),
    type: 'session.participant-left',
    data: { sessionId: SESSION, participantId },
  });

const started: SessionEvent = sessionEvent.parse({
  ...envelope(T0),
  type: 'session.started',
  data: { sessionId: SESSION, startedAt: T0 },
});

type SampleExtra = { recordedAt?: number; contact?: boolean; battery?: number; maxHr?: number };

/** One athlete's sample as a heart-rate event holds it. */
function sampleOf(participantId: string, ts: number, bpm: number, optional: Omit<SampleExtra, 'recordedAt'>) {
  return {
    participantId,
    deviceId: `ant:${participantId}`,
    ts,
    bpm,
    zone: zoneOf(bpm, THRESHOLDS),
    pctMax: pctMaxOf(bpm, 180),
    ...optional,
  };
}

/** A heart-rate event as ingest writes it, here of one sample; recorded at the sample's time unless said otherwise. */
function heartRate(participantId: string, ts: number, bpm: number, extra: SampleExtra = {}): HeartRateEvent {
  const { recordedAt = ts, ...optional } = extra;
  return heartRateBatchRecorded.parse({
    id: `${SESSION}:${++eventCount}:${ts}`,
    type: 'heart-rate.batch-recorded',
    occurredAt: ts,
    recordedAt,
    correlationId: 'gw-1:1',
    causationId: 'HRM_INGRESS:1',
    data: {
      sessionId: SESSION,
      studioId: 'downtown',
      gatewayId: 'gw-1',
      samples: [sampleOf(participantId, ts, bpm, optional)],
    },
  });
}

/** The same sample as the one-sample event ingest wrote before it batched. */
function legacyHeartRate(
  participantId: string,
  ts: number,
  bpm: number,
  extra: SampleExtra = {},
): HeartRateEvent {
  const { recordedAt = ts, ...optional } = extra;
  return heartRateRecorded.parse({
    id: `${SESSION}:${participantId}:${ts}`,
    type: 'heart-rate.recorded',
    occurredAt: ts,
    recordedAt,
    correlationId: 'gw-1:1',
    causationId: 'HRM_INGRESS:1',
    data: { sessionId: SESSION, studioId: 'downtown', ...sampleOf(participantId, ts, bpm, optional) },
  });
}

/** A class as OpenClasses loads it from its subject: the domain's fold of these events, at seq 1, 2, … */
function loaded(events: SessionEvent[], maxFutureMs?: number): LiveSessionState {
  const state = foldSession(events);
  if (state.status === 'initial') throw new Error('no class in these events');
  return new LiveSessionState(state, events.length, maxFutureMs);
}

/** The tail reads one more event of the class at `seq`: its next state, and what screens are told. */
function read(live: LiveSessionState, event: SessionEvent, seq: number): LiveChange {
  const state = evolve(live.state, event);
  if (state.status === 'initial') throw new Error('not an event of a class');
  return live.update(state, seq);
}

/** A live class with these athletes on the roster, session events at seq 1, 2, … */
function liveClass(...athletes: Athlete[]): LiveSessionState {
  return loaded([scheduled, ...athletes.map(joined), started]);
}

const ana: Athlete = { participantId: 'p-ana' };
const bo: Athlete = { participantId: 'p-bo', restingHr: null };
const cy: Athlete = { participantId: 'p-cy' };

describe('LiveSessionState: roster', () => {
  it('starts as the scheduled class', () => {
    expect(loaded([scheduled]).session).toEqual({
      sessionId: SESSION,
      studioId: 'downtown',
      title: 'Monday spin',
      status: 'scheduled',
      startsAt: T0,
      startedAt: null,
      endedAt: null,
    });
  });

  it('says a join or a leave changes the roster, a start or an end the status', () => {
    const state = loaded([scheduled]);

    expect(read(state, scheduled, 1)).toBeNull();
    expect(read(state, joined(ana), 2)).toBe('roster');
    expect(read(state, started, 3)).toBe('status');
    expect(state.session).toMatchObject({ status: 'live', startedAt: T0 });
    expect(read(state, left(ana.participantId), 4)).toBe('roster');
    const ended = sessionEvent.parse({
      ...envelope(T0 + 2_700_000),
      type: 'session.ended',
      data: { sessionId: SESSION, endedAt: T0 + 2_700_000 },
    });
    expect(read(state, ended, 5)).toBe('status');
    expect(state.session).toMatchObject({ status: 'ended', startedAt: T0, endedAt: T0 + 2_700_000 });
  });

  it("lists the present athletes in the metadata, with resting HR only when it is known, versioned by the last event's seq", () => {
    const state = liveClass(ana, bo);

    expect(state.metadata()).toEqual({
      sessionId: SESSION,
      version: 4,
      participants: [
        {
          participantId: 'p-ana',
          memberId: 'm-p-ana',
          displayName: 'Athlete p-ana',
          deviceId: 'ant:p-ana',
          maxHr: 180,
          restingHr: 60,
          zoneThresholds: THRESHOLDS,
        },
        {
          participantId: 'p-bo',
          memberId: 'm-p-bo',
          displayName: 'Athlete p-bo',
          deviceId: 'ant:p-bo',
          maxHr: 180,
          zoneThresholds: THRESHOLDS,
        },
      ],
    });
    expect(state.metadata().participants[1]).not.toHaveProperty('restingHr');
  });

  it('drops an athlete who left from the metadata and bumps its version', () => {
    const state = liveClass(ana, bo);
    read(state, left(ana.participantId), 12);

    const metadata = state.metadata();
    expect(metadata.version).toBe(12);
    expect(metadata.participants.map((participant) => participant.participantId)).toEqual(['p-bo']);
  });
});

describe('LiveSessionState: loaded from its subject or followed event by event', () => {
  const raisedAna = sessionEvent.parse({
    ...envelope(T0 + 30_000),
    type: 'session.max-hr-raised',
    data: {
      sessionId: SESSION,
      participantId: 'p-ana',
      previousMaxHr: 180,
      maxHr: 186,
      zoneThresholds: [93, 112, 130, 149, 167],
      at: T0 + 30_000,
    },
  });
  const log = [scheduled, joined(ana), joined(bo), joined(cy), started, raisedAna, left(cy.participantId)];

  it('tells screens of each join, start, raise and leave as it is read', () => {
    const followed = loaded([scheduled]);
    const changes = log.slice(1).map((event, index) => read(followed, event, index + 2));

    expect(changes).toEqual(['roster', 'roster', 'roster', 'status', 'roster', 'roster']);
    expect(followed.metadata().version).toBe(log.length);
  });

  it('shows the same header, roster, values and totals after a restart as before it', () => {
    const followed = loaded([scheduled]);
    log.slice(1).forEach((event, index) => read(followed, event, index + 2));
    const restarted = loaded(log);
    // 92 bpm is active under the max ana joined with (50 % of 180 is 90), not under the raised 186:
    // her totals count under the max as joined, whenever the class was read.
    for (const live of [followed, restarted]) {
      for (let second = 0; second <= 60; second++) {
        live.applyHeartRate(heartRate('p-ana', T0 + second * 1000, 92));
        live.applyHeartRate(heartRate('p-bo', T0 + second * 1000, 150));
        live.applyHeartRate(heartRate('p-cy', T0 + second * 1000, 150));
      }
    }

    expect(restarted.session).toEqual(followed.session);
    expect(restarted.metadata()).toEqual(followed.metadata());
    expect(
      restarted.metadata().participants.map(({ participantId, maxHr }) => [participantId, maxHr]),
    ).toEqual([
      ['p-ana', 186],
      ['p-bo', 180],
    ]);
    const values = restarted.allValues(T0 + 60_500);
    expect(values).toEqual(followed.allValues(T0 + 60_500));
    expect(values.map(({ participantId }) => participantId)).toEqual(['p-ana', 'p-bo']);
    expect(values[0]?.kcal).toBeGreaterThan(0);
  });
});

describe('LiveSessionState: values', () => {
  it('sends every athlete with a value in the first frame, and nothing while nothing changes', () => {
    const state = liveClass(ana, bo, cy);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 150));
    state.applyHeartRate(heartRate('p-bo', T0 + 1000, 100));

    const first = state.nextFrame(T0 + 1500);
    expect(first).toEqual({
      seq: 1,
      values: [
        {
          participantId: 'p-ana',
          bpm: 150,
          zone: 4,
          pctMax: 83.3,
          kcal: 0,
          points: 0,
          status: 'ok',
          ts: T0 + 1000,
        },
        {
          participantId: 'p-bo',
          bpm: 100,
          zone: 1,
          pctMax: 55.6,
          kcal: 0,
          points: 0,
          status: 'ok',
          ts: T0 + 1000,
        },
      ],
    });
    expect(state.nextFrame(T0 + 2500)).toBeNull();
    expect(state.seq).toBe(1);
  });

  it("takes in every athlete's sample of a gateway batch, as if each had come alone", () => {
    const batched = liveClass(ana, bo);
    const one = heartRate('p-ana', T0 + 1000, 150);
    const other = heartRate('p-bo', T0 + 1100, 100);
    if (one.type !== 'heart-rate.batch-recorded' || other.type !== 'heart-rate.batch-recorded')
      throw new Error('expected batches');
    batched.applyHeartRate({
      ...one,
      data: { ...one.data, samples: [...one.data.samples, ...other.data.samples] },
    });
    const alone = liveClass(ana, bo);
    alone.applyHeartRate(one);
    alone.applyHeartRate(other);
    // And a class whose log was written before ingest batched.
    const legacy = liveClass(ana, bo);
    legacy.applyHeartRate(legacyHeartRate('p-ana', T0 + 1000, 150));
    legacy.applyHeartRate(legacyHeartRate('p-bo', T0 + 1100, 100));

    const frame = batched.nextFrame(T0 + 1500);
    expect(frame?.values.map((value) => [value.participantId, value.bpm])).toEqual([
      ['p-ana', 150],
      ['p-bo', 100],
    ]);
    expect(alone.nextFrame(T0 + 1500)).toEqual(frame);
    expect(legacy.nextFrame(T0 + 1500)).toEqual(frame);
  });

  it('sends only the athlete who has a new sample', () => {
    const state = liveClass(ana, bo);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 150));
    state.applyHeartRate(heartRate('p-bo', T0 + 1000, 100));
    state.nextFrame(T0 + 1500);

    state.applyHeartRate(heartRate('p-bo', T0 + 2000, 104));
    const frame = state.nextFrame(T0 + 2500);

    expect(frame?.seq).toBe(2);
    expect(frame?.values).toHaveLength(1);
    expect(frame?.values[0]).toMatchObject({ participantId: 'p-bo', bpm: 104, ts: T0 + 2000 });
  });

  it('numbers frames one after another, skipping no number for a tick with nothing to send', () => {
    const state = liveClass(ana);
    const seqs: Array<number | undefined> = [];
    for (let second = 1; second <= 3; second++) {
      state.applyHeartRate(heartRate('p-ana', T0 + second * 1000, 140 + second));
      seqs.push(state.nextFrame(T0 + second * 1000 + 100)?.seq);
      expect(state.nextFrame(T0 + second * 1000 + 200)).toBeNull();
    }

    expect(seqs).toEqual([1, 2, 3]);
    expect(state.seq).toBe(3);
  });

  it('marks an athlete stale 5 s after their last sample was recorded, and sends that once', () => {
    const state = liveClass(ana, bo);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 150));
    state.applyHeartRate(heartRate('p-bo', T0 + 1000, 100));
    state.nextFrame(T0 + 1500);
    for (let second = 2; second <= 7; second++)
      state.applyHeartRate(heartRate('p-bo', T0 + second * 1000, 100));

    expect(state.nextFrame(T0 + 5000)?.values.map((value) => value.participantId)).toEqual(['p-bo']);
    const frame = state.nextFrame(T0 + 7000);

    expect(frame?.values).toEqual([
      expect.objectContaining({ participantId: 'p-ana', status: 'stale', bpm: 150, ts: T0 + 1000 }),
    ]);
    expect(state.nextFrame(T0 + 8000)).toBeNull();
    expect(state.nextFrame(T0 + 30_000)?.values.map((value) => value.participantId)).toEqual(['p-bo']);
  });

  it('brings a stale athlete back to ok with their next sample', () => {
    const state = liveClass(ana);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 150));
    state.nextFrame(T0 + 10_000);

    state.applyHeartRate(heartRate('p-ana', T0 + 11_000, 152));

    expect(state.nextFrame(T0 + 11_500)?.values).toEqual([
      expect.objectContaining({ participantId: 'p-ana', status: 'ok', bpm: 152 }),
    ]);
  });

  it('keeps a stale athlete stale when a copy of their last sample arrives again', () => {
    const state = liveClass(ana);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 150));
    expect(state.nextFrame(T0 + 10_000)?.values).toEqual([expect.objectContaining({ status: 'stale' })]);
    // The same sample, appended again after the dedupe window (a redelivery after a long outage).
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 150, { recordedAt: T0 + 200_000 }));
    expect(state.nextFrame(T0 + 200_500)).toBeNull();
  });

  it("judges staleness by when the sample was recorded, not by the strap's timestamp", () => {
    const state = liveClass(ana);
    const now = T0 + 120_000;
    state.applyHeartRate(heartRate('p-ana', now - 60_000, 150, { recordedAt: now - 200 }));

    expect(state.allValues(now)).toEqual([expect.objectContaining({ status: 'ok' })]);
    expect(state.allValues(now + 6000)).toEqual([expect.objectContaining({ status: 'stale' })]);
  });

  it('shows no-contact when the strap says so', () => {
    const state = liveClass(ana);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 0, { contact: false }));

    expect(state.nextFrame(T0 + 1500)?.values).toEqual([
      expect.objectContaining({ status: 'no-contact', bpm: 0, zone: 0 }),
    ]);
  });

  it('shows low-battery at 15 % and below, not above', () => {
    const state = liveClass(ana, bo, cy);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 140, { battery: 15 }));
    state.applyHeartRate(heartRate('p-bo', T0 + 1000, 140, { battery: 3 }));
    state.applyHeartRate(heartRate('p-cy', T0 + 1000, 140, { battery: 16 }));

    const statuses = state.allValues(T0 + 1500).map(({ participantId, status }) => [participantId, status]);
    expect(statuses).toEqual([
      ['p-ana', 'low-battery'],
      ['p-bo', 'low-battery'],
      ['p-cy', 'ok'],
    ]);
  });

  it('sends a status change even when the heart rate stays the same', () => {
    const state = liveClass(ana);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 140, { battery: 16 }));
    state.nextFrame(T0 + 1500);

    state.applyHeartRate(heartRate('p-ana', T0 + 2000, 140, { contact: false }));

    expect(state.nextFrame(T0 + 2500)?.values).toEqual([expect.objectContaining({ status: 'no-contact' })]);
  });

  it('reports kcal as null, not 0, for an athlete without a weight', () => {
    const state = liveClass(ana, { participantId: 'p-noweight', weightKg: null });
    for (let second = 0; second <= 60; second++) {
      state.applyHeartRate(heartRate('p-ana', T0 + second * 1000, 150));
      state.applyHeartRate(heartRate('p-noweight', T0 + second * 1000, 150));
    }

    const [withWeight, withoutWeight] = state.allValues(T0 + 60_500);
    expect(withWeight).toMatchObject({ participantId: 'p-ana', kcal: 14.9 });
    expect(withoutWeight).toMatchObject({ participantId: 'p-noweight', kcal: null, points: 4 });
  });

  it('adds up points over a minute in zone 4 to 4, and sends the growing totals', () => {
    const state = liveClass(ana);
    const pointsSent: number[] = [];
    for (let second = 0; second <= 60; second++) {
      state.applyHeartRate(heartRate('p-ana', T0 + second * 1000, 150));
      if (second % 15 === 0) {
        const frame = state.nextFrame(T0 + second * 1000 + 100);
        pointsSent.push(frame?.values[0]?.points ?? Number.NaN);
      }
    }

    expect(pointsSent).toEqual([0, 1, 2, 3, 4]);
    expect(state.allValues(T0 + 60_500)).toEqual([
      expect.objectContaining({ points: 4, kcal: 14.9, zone: 4, bpm: 150 }),
    ]);
  });

  it('takes an older sample that arrives late into the totals where it belongs in time, not as the latest value', () => {
    // Ingest crashed: its unacked message comes back after the ack wait, behind newer ones.
    const state = liveClass(ana);
    for (const second of [0, 5, 10]) state.applyHeartRate(heartRate('p-ana', T0 + second * 1000, 150));
    const before = state.nextFrame(T0 + 10_500);

    state.applyHeartRate(heartRate('p-ana', T0 + 7000, 95, { recordedAt: T0 + 11_000 }));

    expect(before?.values).toEqual([
      expect.objectContaining({ bpm: 150, ts: T0 + 10_000, points: 0.7, kcal: 2.5 }),
    ]);
    // 5 s to 7 s at 150 (zone 4), 7 s to 10 s at 95 (zone 1): what the summary of these samples says.
    const summary = summarizeEffort(
      [0, 5, 7, 10].map((second) => ({ ts: T0 + second * 1000, bpm: second === 7 ? 95 : 150 })),
      { maxHr: 180, zoneThresholds: THRESHOLDS, weightKg: 80, sex: 'male', age: 35 },
    );
    const after = state.nextFrame(T0 + 11_500);
    expect(after?.values).toEqual([
      expect.objectContaining({
        bpm: 150,
        ts: T0 + 10_000,
        points: Math.round(summary.points * 10) / 10,
        kcal: Math.round((summary.kcal ?? 0) * 10) / 10,
      }),
    ]);
    expect(after?.values[0]?.points).toBe(0.5);
  });

  it('ignores samples of someone not on the roster', () => {
    const state = liveClass(ana);
    state.applyHeartRate(heartRate('p-stranger', T0 + 1000, 150));

    expect(state.nextFrame(T0 + 1500)).toBeNull();
    expect(state.allValues(T0 + 1500)).toEqual([]);
  });

  it('stops sending an athlete who left', () => {
    const state = liveClass(ana, bo);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 150));
    state.applyHeartRate(heartRate('p-bo', T0 + 1000, 100));
    state.nextFrame(T0 + 1500);

    read(state, left('p-ana'), 10);
    state.applyHeartRate(heartRate('p-ana', T0 + 2000, 155));
    state.applyHeartRate(heartRate('p-bo', T0 + 2000, 101));

    expect(state.nextFrame(T0 + 2500)?.values.map((value) => value.participantId)).toEqual(['p-bo']);
    expect(state.allValues(T0 + 2500).map((value) => value.participantId)).toEqual(['p-bo']);
  });

  it("gives a snapshot every present athlete's latest value, whatever frames were sent", () => {
    const state = liveClass(ana, bo, cy);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 150));
    state.applyHeartRate(heartRate('p-bo', T0 + 1000, 100));
    state.nextFrame(T0 + 1500);
    state.applyHeartRate(heartRate('p-bo', T0 + 2000, 104));

    expect(state.allValues(T0 + 2500)).toEqual([
      expect.objectContaining({ participantId: 'p-ana', bpm: 150, status: 'ok' }),
      expect.objectContaining({ participantId: 'p-bo', bpm: 104, status: 'ok' }),
    ]);
    // Taking a snapshot sends nothing: the next frame still carries the change.
    expect(state.nextFrame(T0 + 2600)?.values).toEqual([
      expect.objectContaining({ participantId: 'p-bo', bpm: 104 }),
    ]);
  });
});

describe('LiveSessionState: a sample dated ahead of its recording', () => {
  const profile = { maxHr: 180, zoneThresholds: THRESHOLDS, weightKg: 80, sex: 'male' as const, age: 35 };
  const realSeconds = [1, 2, 3, 4, 5, 6, 7, 8];

  it('never freezes the athlete: a sample an hour ahead (in the log from before the edge bound) is neither latest nor in the totals', () => {
    const state = liveClass(ana);
    const real = realSeconds.map((second) => ({ ts: T0 + second * 1000, bpm: 150 }));
    for (const [index, sample] of real.entries()) {
      state.applyHeartRate(heartRate('p-ana', sample.ts, sample.bpm));
      // A gateway whose clock jumped an hour ahead, recorded between two real samples.
      if (index === 1)
        state.applyHeartRate(heartRate('p-ana', T0 + 3_600_000, 200, { recordedAt: sample.ts }));
    }

    const [value] = state.allValues(T0 + 8500);
    const summary = summarizeEffort(real, profile);
    expect(value).toMatchObject({ bpm: 150, ts: T0 + 8000, status: 'ok' });
    expect(value?.kcal).toBeGreaterThan(0);
    expect(value?.kcal).toBe(Math.round((summary.kcal ?? 0) * 10) / 10);
    expect(value?.points).toBe(Math.round(summary.points * 10) / 10);
  });

  it('takes a sample within the allowed skew of its recording, and follows INGEST_MAX_FUTURE_MS when set', () => {
    const state = liveClass(ana);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 150));
    state.applyHeartRate(heartRate('p-ana', T0 + 12_000, 151, { recordedAt: T0 + 2000 }));
    expect(state.allValues(T0 + 2500)).toEqual([expect.objectContaining({ bpm: 151, ts: T0 + 12_000 })]);

    const lenient = loaded([scheduled, joined(ana), started], 60_000);
    lenient.applyHeartRate(heartRate('p-ana', T0 + 50_000, 152, { recordedAt: T0 + 2000 }));
    lenient.applyHeartRate(heartRate('p-ana', T0 + 70_000, 199, { recordedAt: T0 + 2000 }));
    expect(lenient.allValues(T0 + 2500)).toEqual([expect.objectContaining({ bpm: 152, ts: T0 + 50_000 })]);
  });
});

describe('LiveSessionState: adaptive max HR', () => {
  const RAISED = [93, 112, 130, 149, 167];
  const raised = sessionEvent.parse({
    ...envelope(T0 + 60_000),
    type: 'session.max-hr-raised',
    data: {
      sessionId: SESSION,
      participantId: 'p-ana',
      previousMaxHr: 180,
      maxHr: 186,
      zoneThresholds: RAISED,
      at: T0 + 60_000,
    },
  });

  it('re-sends the roster with the raised max and zones, once (a repeat of the raise is no change)', () => {
    const state = liveClass(ana, bo);
    expect(read(state, raised, 10)).toBe('roster');
    const meta = state.metadata().participants.find((p) => p.participantId === 'p-ana');
    expect(meta).toMatchObject({ maxHr: 186, zoneThresholds: RAISED });
    expect(read(state, raised, 11)).toBeNull();
  });

  it('counts the time after a raised sample under the raised max, as the summary does', () => {
    const state = liveClass(ana);
    // The sample at 5 s carries the raised max: the intervals after it count under 186.
    const samples = [
      { ts: T0, bpm: 190, maxHr: 180 },
      { ts: T0 + 5_000, bpm: 100, maxHr: 186 },
      { ts: T0 + 10_000, bpm: 92, maxHr: 186 }, // 92 is above 50 % of 180 (90), below 50 % of 186 (93)
      { ts: T0 + 15_000, bpm: 150, maxHr: 186 },
    ];
    for (const sample of samples)
      state.applyHeartRate(heartRate('p-ana', sample.ts, sample.bpm, { maxHr: sample.maxHr }));
    const [value] = state.allValues(T0 + 15_000);
    const summary = summarizeEffort(samples, {
      maxHr: 180,
      zoneThresholds: THRESHOLDS,
      weightKg: 80,
      sex: 'male',
      age: 35,
    });
    expect(value?.kcal).toBe(Math.round((summary.kcal ?? 0) * 10) / 10);
    expect(value?.points).toBe(Math.round(summary.points * 10) / 10);
    // 10–15 s at 92 counts nothing under 186: only 0–10 s is active.
    expect(summary.activeMs).toBe(10_000);
  });
});

describe('LiveSessionState: alerts, debounced to once a minute per athlete and kind', () => {
  /** Alerts at each given instant (ms after T0), as the tick would collect them. */
  const kindsAt = (state: LiveSessionState, at: number) =>
    state.dueAlerts(T0 + at).map((alert) => `${alert.participantId}:${alert.kind}`);

  it('alerts stale after 5 s without a sample and disconnected after 30 s, each once', () => {
    const state = liveClass(ana);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 150));
    expect(kindsAt(state, 1000)).toEqual([]);
    expect(kindsAt(state, 6000)).toEqual([]); // exactly 5 s: not yet
    expect(kindsAt(state, 6001)).toEqual(['p-ana:stale']);
    expect(kindsAt(state, 20_000)).toEqual([]);
    expect(kindsAt(state, 31_001)).toEqual(['p-ana:disconnected']);
    for (let at = 32_000; at < 200_000; at += 1000) expect(kindsAt(state, at)).toEqual([]);
  });

  it('says when and for whom: { sessionId, kind, participantId, at }', () => {
    const state = liveClass(ana);
    state.applyHeartRate(heartRate('p-ana', T0, 150, { battery: 12 }));
    expect(state.dueAlerts(T0 + 500)).toEqual([
      { sessionId: SESSION, kind: 'low-battery', participantId: 'p-ana', at: T0 + 500 },
    ]);
  });

  it('alerts a flapping no-contact once a minute, not every time the strap loses contact', () => {
    const state = liveClass(ana);
    const alerts: string[] = [];
    for (let second = 0; second < 150; second++) {
      // Contact lost on even seconds, back on odd ones: 75 times in 150 s.
      state.applyHeartRate(heartRate('p-ana', T0 + second * 1000, 140, { contact: second % 2 === 1 }));
      alerts.push(...kindsAt(state, second * 1000 + 100).map((kind) => `${second}:${kind}`));
    }
    expect(alerts).toEqual(['0:p-ana:no-contact', '60:p-ana:no-contact', '120:p-ana:no-contact']);
  });

  it('alerts low battery at 15 % or less, once a minute while the level hovers around it', () => {
    const state = liveClass(ana, bo);
    const alerts: string[] = [];
    for (let second = 0; second < 90; second++) {
      state.applyHeartRate(
        heartRate('p-ana', T0 + second * 1000, 140, { battery: second % 3 === 0 ? 15 : 16 }),
      );
      state.applyHeartRate(heartRate('p-bo', T0 + second * 1000, 140, { battery: 16 }));
      alerts.push(...kindsAt(state, second * 1000 + 100).map((kind) => `${second}:${kind}`));
    }
    expect(alerts).toEqual(['0:p-ana:low-battery', '60:p-ana:low-battery']);
  });

  it('alerts a stale athlete again only a minute after the last stale alert', () => {
    const state = liveClass(ana);
    const alerts: string[] = [];
    // Samples come in bursts with 6 s gaps: stale every few seconds.
    for (let at = 0; at < 100_000; at += 500) {
      if (at % 8000 < 2000) state.applyHeartRate(heartRate('p-ana', T0 + at, 140));
      alerts.push(...kindsAt(state, at).map((kind) => `${Math.floor(at / 1000)}:${kind}`));
    }
    expect(alerts).toEqual(['7:p-ana:stale', '71:p-ana:stale']);
  });

  it('raises max-hr-raised from the event, once a minute per athlete', () => {
    const state = liveClass(ana, bo);
    const raise = (participantId: string, previousMaxHr: number, seq: number) => {
      const event = sessionEvent.parse({
        ...envelope(T0),
        type: 'session.max-hr-raised',
        data: {
          sessionId: SESSION,
          participantId,
          previousMaxHr,
          maxHr: previousMaxHr + 5,
          zoneThresholds: [95, 114, 133, 152, 171],
          at: T0 + seq * 1000,
        },
      });
      read(state, event, seq);
      if (event.type !== 'session.max-hr-raised') throw new Error('not a raise');
      return state.maxHrRaisedAlert(event, T0 + seq * 1000);
    };
    expect(raise('p-ana', 180, 20)).toEqual({
      sessionId: SESSION,
      kind: 'max-hr-raised',
      participantId: 'p-ana',
      at: T0 + 20_000,
    });
    expect(raise('p-ana', 185, 50)).toBeNull(); // 30 s later: within the minute
    expect(raise('p-bo', 180, 51)?.participantId).toBe('p-bo'); // another athlete is another alert
    expect(raise('p-ana', 190, 81)?.kind).toBe('max-hr-raised');
  });

  it('does not repeat, after a rebuild, what was already wrong (silent first look)', () => {
    const state = liveClass(ana);
    state.applyHeartRate(heartRate('p-ana', T0, 140, { contact: false }));
    expect(state.dueAlerts(T0 + 10_000, true)).toEqual([]);
    expect(kindsAt(state, 11_000)).toEqual([]);
    expect(kindsAt(state, 40_000)).toEqual(['p-ana:disconnected']);
  });

  it('alerts nothing in a class that is not live, nor for an athlete who left', () => {
    const scheduledOnly = loaded([scheduled]);
    read(scheduledOnly, joined(ana), 2);
    scheduledOnly.applyHeartRate(heartRate('p-ana', T0, 140, { battery: 5 }));
    expect(kindsAt(scheduledOnly, 10_000)).toEqual([]);

    const state = liveClass(ana);
    state.applyHeartRate(heartRate('p-ana', T0, 140));
    read(state, left('p-ana'), 10);
    expect(kindsAt(state, 10_000)).toEqual([]);
  });
});

describe('LiveSessionState: full frame for a socket that missed frames', () => {
  it('carries every athlete at the current frame number, and does not count as a frame sent', () => {
    const state = liveClass(ana, bo);
    state.applyHeartRate(heartRate('p-ana', T0 + 1000, 150));
    state.applyHeartRate(heartRate('p-bo', T0 + 1000, 100));
    state.nextFrame(T0 + 1500);
    state.applyHeartRate(heartRate('p-bo', T0 + 2000, 104));
    const full = state.fullFrame(T0 + 2100);
    expect(full.seq).toBe(1);
    expect(full.values.map((value) => [value.participantId, value.bpm])).toEqual([
      ['p-ana', 150],
      ['p-bo', 104],
    ]);
    expect(state.nextFrame(T0 + 2500)?.values).toEqual([expect.objectContaining({ participantId: 'p-bo' })]);
  });
});
