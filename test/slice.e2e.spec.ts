// The first whole capability, end to end through real processes: a gateway
// publishes on NATS, a screen receives the value over Socket.IO, and the REST
// history returns it from Postgres.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import {
  deadLetter,
  eventSubjects,
  heartRateSamplesOf,
  heartRateSeries,
  hrmMetadata,
  hrmValues,
  member,
  sessionSubscribeAck,
  isHeartRateEvent,
  streams,
  type HeartRateEvent,
  type HrmValues,
} from '#contracts';
import { decodeEvent } from '#eventstore';
import { eventually, sleep, startTestStack, TEST_ADMIN_TOKEN, type TestStack } from '#testing';
import { TestGateway } from './support/gateway.js';
import { setUpLiveClass, type LiveClass } from './support/live-class.js';

const devices = ['ant:120:10001', 'ant:120:10002', 'ant:120:10003'];

function liveSocket(url: string, token: string | undefined): Socket {
  return io(`${url}/live`, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
  });
}

describe('heart rate from gateway to screen to history', () => {
  let stack: TestStack;
  let nats: NatsConnection;
  let live: LiveClass;
  let gateway: TestGateway;
  /** The athletes wearing the three straps (a late arrival without one joins in a test). */
  let original: Set<string>;

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest', 'realtime'], { env: { HRM_TICK_MS: '200' } });
    nats = await stack.connectNats();
    live = await setUpLiveClass(stack, devices);
    gateway = await TestGateway.connect(stack, live.studioId, 'gw-1');
    original = new Set(live.participantsByDevice.values());
  }, 120_000);

  afterAll(async () => {
    await nats?.close();
    await stack?.stop();
  });

  it('refuses a screen without a valid token', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const socket = liveSocket(stack.realtimeUrl, token);
      const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
      socket.close();
      expect(error.message).toBe('unauthorized');
    }
  });

  it('sends metadata once on subscribe, then values as samples arrive, and history keeps them', async () => {
    const socket = liveSocket(stack.realtimeUrl, TEST_ADMIN_TOKEN);
    const metadataFrames: unknown[] = [];
    const valueFrames: HrmValues[] = [];
    socket.on('hrm:metadata', (payload: unknown) => metadataFrames.push(hrmMetadata.parse(payload)));
    socket.on('hrm:values', (payload: unknown) => valueFrames.push(hrmValues.parse(payload)));
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', resolve);
      socket.on('connect_error', reject);
    });
    const ack = sessionSubscribeAck.parse(
      await socket.emitWithAck('session:subscribe', { sessionId: live.sessionId }),
    );
    if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.message}`);
    expect(ack.snapshot.session).toMatchObject({ sessionId: live.sessionId, status: 'live' });
    expect(ack.snapshot.metadata.participants.map((participant) => participant.deviceId).sort()).toEqual(
      devices,
    );

    const start = Date.now();
    for (let second = 0; second < 5; second++) {
      await gateway.publish(start + second * 1000, devices, (_device, index) => 120 + index * 10 + second);
    }
    const participant = live.participantsByDevice.get(devices[2] ?? '');
    const lastValue = await eventually(() => {
      const values = valueFrames
        .flatMap((frame) => frame.values)
        .filter((value) => value.participantId === participant);
      const last = values.at(-1);
      return last?.ts === start + 4000 ? last : undefined;
    }, 'the screen to show the third athlete at 144 bpm');
    expect(lastValue).toMatchObject({ bpm: 144, status: 'ok' });
    expect(lastValue.zone).toBeGreaterThan(0);
    // Metadata went out once, on subscribe: values never repeat it.
    expect(metadataFrames).toHaveLength(1);

    // A late arrival changes the roster: metadata goes out again, with them in it.
    const late = member.parse(
      (await stack.api('POST', `/api/v1/studios/${live.studioId}/members`, { displayName: 'Late Larry' }))
        .body,
    );
    const joined = await stack.api('POST', `/api/v1/sessions/${live.sessionId}/participants`, {
      memberId: late.id,
    });
    expect(joined.status).toBe(201);
    const roster = await eventually(
      () => (metadataFrames.length === 2 ? hrmMetadata.parse(metadataFrames[1]) : undefined),
      'metadata after the roster change',
    );
    expect(roster.participants.map((participant) => participant.displayName)).toContain('Late Larry');
    expect(roster.participants).toHaveLength(devices.length + 1);
    socket.close();

    const raw = await eventually(async () => {
      const response = await stack.api('GET', `/api/v1/sessions/${live.sessionId}/heart-rate`);
      const series = heartRateSeries.parse(response.body);
      const wearing = series.participants.filter((entry) => original.has(entry.participantId));
      return wearing.length === devices.length && wearing.every((entry) => entry.points.length === 5)
        ? series
        : undefined;
    }, 'history to hold 5 samples per athlete');
    const third = raw.participants.find((entry) => entry.participantId === participant);
    expect(third?.points.map((point) => point.bpm)).toEqual([140, 141, 142, 143, 144]);

    const bucketed = heartRateSeries.parse(
      (
        await stack.api(
          'GET',
          `/api/v1/sessions/${live.sessionId}/heart-rate?bucket=5s&participantId=${participant}`,
        )
      ).body,
    );
    expect(bucketed.participants).toHaveLength(1);
    const points = bucketed.participants[0]?.points ?? [];
    expect(points.reduce((sum, point) => sum + (point.n ?? 0), 0)).toBe(5);
    expect(Math.min(...points.map((point) => point.min ?? Infinity))).toBe(140);
    expect(Math.max(...points.map((point) => point.max ?? 0))).toBe(144);
  });

  it('dead-letters a bad message with its reason and keeps ingesting', async () => {
    const letters: unknown[] = [];
    const subscription = nats.subscribe(`hrm.v1.dlq.${live.studioId}.gw-1`, {
      callback: (_error, message) => {
        letters.push(message.json());
      },
    });
    await gateway.publishRaw(
      '{"gatewayId":"gw-1","seq":1,"sentAt":0,"samples":[{"deviceId":"x","ts":0,"bpm":999}]}',
    );
    await gateway.publishRaw('not json at all');
    const ts = Date.now() + 10_000;
    await gateway.publish(ts, devices, () => 100);
    const found = await eventually(() => (letters.length >= 2 ? letters : undefined), 'two dead letters');
    const reasons = z
      .array(deadLetter)
      .parse(found)
      .map((letter) => letter.reason);
    expect(reasons[0]).toMatch(/bpm/);
    expect(reasons[1]).toMatch(/JSON/);
    subscription.unsubscribe();
    await eventually(async () => {
      const series = heartRateSeries.parse(
        (await stack.api('GET', `/api/v1/sessions/${live.sessionId}/heart-rate`)).body,
      );
      const wearing = series.participants.filter((entry) => original.has(entry.participantId));
      return wearing.every((entry) => entry.points.some((point) => point.t === ts)) ? true : undefined;
    }, 'the good batch after the bad ones to reach history');
  });

  it('coalesces a burst into few frames, each athlete once, and sends only the athletes that changed', async () => {
    const socket = liveSocket(stack.realtimeUrl, TEST_ADMIN_TOKEN);
    const frames: HrmValues[] = [];
    socket.on('hrm:values', (payload: unknown) => frames.push(hrmValues.parse(payload)));
    const ack = sessionSubscribeAck.parse(
      await socket.emitWithAck('session:subscribe', { sessionId: live.sessionId }),
    );
    expect(ack.ok).toBe(true);
    await sleep(400); // let any frame still due from earlier tests go out
    frames.length = 0;

    const burst = Date.now() + 20_000;
    for (let i = 0; i < 12; i++) await gateway.publish(burst + i * 100, devices, () => 130 + i);
    await eventually(
      () =>
        frames.some((frame) => frame.values.some((value) => value.ts === burst + 1100)) ? true : undefined,
      'the last sample of the burst on screen',
    );
    // 12 batches of 3 samples became a handful of frames (one per 200 ms tick at most)...
    expect(frames.length).toBeLessThan(12);
    for (const frame of frames) {
      const ids = frame.values.map((value) => value.participantId);
      expect(new Set(ids).size).toBe(ids.length);
    }
    // ...with increasing sequence numbers.
    const seqs = frames.map((frame) => frame.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    frames.length = 0;
    const [first] = devices;
    await gateway.publish(burst + 2000, [first ?? ''], () => 150);
    const frame = await eventually(() => frames[0], 'a frame for the one athlete who changed');
    expect(frame.values).toHaveLength(1);
    expect(frame.values[0]).toMatchObject({
      participantId: live.participantsByDevice.get(first ?? ''),
      bpm: 150,
    });
    socket.close();
  });

  it("writes a gateway message as one heart-rate event of the class: its athletes' samples, each once", async () => {
    const ts = Date.now() + 40_000;
    const [first] = devices;
    await gateway.publishSamples([
      ...devices.map((deviceId, index) => ({ deviceId, ts, bpm: 110 + index, contact: true })),
      // The same strap and instant again, and a strap nobody wears.
      { deviceId: first ?? '', ts, bpm: 199 },
      { deviceId: 'ant:120:99999', ts, bpm: 90 },
    ]);
    const events = await eventually(async () => {
      const found = (await heartRateEventsOf(nats, live.sessionId)).filter(({ event }) =>
        heartRateSamplesOf(event).samples.some((sample) => sample.ts === ts),
      );
      return found.length > 0 ? found : undefined;
    }, 'the heart-rate event of the message');
    expect(events).toHaveLength(1);
    const [{ subject, event }] = events as [(typeof events)[number]];
    expect(subject).toBe(`hr.${live.sessionId}.gw-1`);
    expect(event.type).toBe('heart-rate.batch-recorded');
    expect(
      heartRateSamplesOf(event).samples.map((sample) => [sample.participantId, sample.ts, sample.bpm]),
    ).toEqual(devices.map((deviceId, index) => [live.participantsByDevice.get(deviceId), ts, 110 + index]));
  });
});

/** Every heart-rate event of the class in the HR stream, in log order. */
async function heartRateEventsOf(
  nats: NatsConnection,
  sessionId: string,
): Promise<Array<{ subject: string; event: HeartRateEvent }>> {
  const consumer = await jetstream(nats).consumers.get(streams.heartRate.name, {
    filter_subjects: eventSubjects.sessionHeartRate(sessionId),
  });
  const events: Array<{ subject: string; event: HeartRateEvent }> = [];
  for (;;) {
    const messages = await consumer.fetch({ max_messages: 500, expires: 1000 });
    let pending = 0;
    for await (const message of messages) {
      const decoded = decodeEvent(message.data);
      if (decoded.ok && isHeartRateEvent(decoded.event))
        events.push({ subject: message.subject, event: decoded.event });
      pending = message.info.pending;
    }
    if (pending === 0) return events;
  }
}
