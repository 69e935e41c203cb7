// What ingest refuses at the edge, through real processes: samples dated out of
// range (a gateway clock in the year 10000, or an hour ahead) and messages of a
// studio that does not exist. A refused message is a dead letter with its reason
// and changes nothing (no history, no screen, no device status), and the next
// good message of the same gateway flows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  deadLetter,
  deviceList,
  gatewaySubjects,
  heartRateSeries,
  studio,
  type DeadLetter,
} from '#contracts';
import { DeviceStatusStore } from '#eventstore';
import { TEST_ADMIN_TOKEN, eventually, sleep, startTestStack, type TestStack } from '#testing';
import { TestGateway } from './support/gateway.js';
import { expectStatus, setUpLiveClass, type LiveClass } from './support/live-class.js';
import { Screen, connected, liveSocket } from './support/screen.js';

const STRAP = 'ant:120:30001';
/** A strap heard only in refused messages: it must never show up as seen. */
const GHOST = 'ant:120:39999';
const YEAR_10000 = Date.UTC(10000, 0, 1);
const HOUR = 3600 * 1000;

describe('the gateway edge: timestamps out of range and unknown studios', () => {
  let stack: TestStack;
  let nats: NatsConnection;
  let live: LiveClass;

  /** Dead letters published on a subject, as they arrive. */
  const deadLetters = (subject: string): { letters: DeadLetter[]; subscription: Subscription } => {
    const letters: DeadLetter[] = [];
    const subscription = nats.subscribe(subject, {
      callback: (_error, message) => {
        letters.push(deadLetter.parse(message.json()));
      },
    });
    return { letters, subscription };
  };
  const historyTimes = async (): Promise<number[]> => {
    const series = heartRateSeries.parse(
      await expectStatus(stack.api('GET', `/api/v1/sessions/${live.sessionId}/heart-rate`), 200),
    );
    return series.participants.flatMap((entry) => entry.points.map((point) => point.t));
  };
  const seenDevices = async (studioId: string): Promise<string[]> => {
    const list = deviceList.parse(
      await expectStatus(stack.api('GET', `/api/v1/studios/${studioId}/devices`), 200),
    );
    return [...list.devices, ...list.unassigned]
      .filter((device) => device.status !== null)
      .map((device) => device.deviceId);
  };

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest', 'realtime'], {
      // The contract's defaults (the harness otherwise allows test samples far ahead).
      env: { INGEST_MAX_FUTURE_MS: '10000', HRM_TICK_MS: '200', INGEST_DEVICE_STATUS_INTERVAL_MS: '100' },
    });
    nats = await stack.connectNats();
    live = await setUpLiveClass(stack, [STRAP]);
  }, 120_000);

  afterAll(async () => {
    await nats?.close();
    await stack?.stop();
  });

  it('dead-letters a sample in the year 10000 and one an hour ahead (ts-out-of-range), changing no history and no screen, and the next good message flows', async () => {
    const gateway = await TestGateway.connect(stack, live.studioId, 'gw-edge');
    const { letters, subscription } = deadLetters(gatewaySubjects.deadLetter(live.studioId, 'gw-edge'));
    const socket = liveSocket(stack.realtimeUrl, TEST_ADMIN_TOKEN);
    await connected(socket);
    const screen = new Screen(socket, live.sessionId);
    await screen.subscribe();
    const participantId = live.participantsByDevice.get(STRAP) ?? '';

    const first = Date.now();
    await gateway.publishSamples([{ deviceId: STRAP, ts: first, bpm: 120 }]);
    await eventually(
      () => (screen.values.get(participantId)?.ts === first ? true : undefined),
      'the first sample',
    );

    // A good sample next to the bad one: the message is refused as a whole.
    await gateway.publishSamples([
      { deviceId: STRAP, ts: first + 500, bpm: 121 },
      { deviceId: GHOST, ts: YEAR_10000, bpm: 122 },
    ]);
    await gateway.publishSamples([{ deviceId: STRAP, ts: Date.now() + HOUR, bpm: 190 }]);
    await eventually(() => (letters.length >= 2 ? true : undefined), 'two dead letters');
    expect(letters[0]?.reason).toMatch(
      new RegExp(`^ts-out-of-range: samples\\.1 \\(deviceId "${GHOST}"\\) ts ${YEAR_10000} is after `),
    );
    expect(letters[1]?.reason).toMatch(
      new RegExp(`^ts-out-of-range: samples\\.0 \\(deviceId "${STRAP}"\\) ts `),
    );

    const next = Date.now();
    await gateway.publishSamples([{ deviceId: STRAP, ts: next, bpm: 130 }]);
    await eventually(
      () => (screen.values.get(participantId)?.ts === next ? true : undefined),
      'the next good sample',
    );
    expect(screen.values.get(participantId)).toMatchObject({ bpm: 130 });
    await eventually(
      async () => ((await historyTimes()).includes(next) ? true : undefined),
      'the next good sample in history',
    );
    expect((await historyTimes()).sort()).toEqual([first, next]);
    expect(await seenDevices(live.studioId)).toEqual([STRAP]);
    subscription.unsubscribe();
    socket.close();
  });

  it('dead-letters samples and status of a studio that does not exist (unknown-studio), recording nothing, and accepts a studio created just before', async () => {
    const nowhere = 'st_doesNotExist';
    const { letters, subscription } = deadLetters(gatewaySubjects.deadLetter(nowhere, 'gw-x'));
    const stranger = await TestGateway.connect(stack, nowhere, 'gw-x');
    await stranger.publishSamples([{ deviceId: GHOST, ts: Date.now(), bpm: 100, battery: 50 }]);
    await stranger.publishStatus([{ deviceId: GHOST, battery: 50, lastSeen: Date.now() }]);
    await eventually(() => (letters.length >= 2 ? true : undefined), 'two dead letters');
    expect(letters.map((letter) => letter.reason)).toEqual([
      `unknown-studio: no studio ${nowhere}`,
      `unknown-studio: no studio ${nowhere}`,
    ]);
    expect(letters.map((letter) => letter.subject).sort()).toEqual([
      gatewaySubjects.samples(nowhere, 'gw-x'),
      gatewaySubjects.status(nowhere, 'gw-x'),
    ]);
    subscription.unsubscribe();

    // A studio created a moment ago: its gateway's very first messages are taken.
    const created = studio.parse(
      await expectStatus(stack.api('POST', '/api/v1/studios', { name: 'New' }), 201),
    );
    const fresh = deadLetters(gatewaySubjects.deadLetter(created.id, 'gw-new'));
    const gateway = await TestGateway.connect(stack, created.id, 'gw-new');
    await gateway.publishStatus([{ deviceId: 'ant:120:30002', battery: 70, lastSeen: Date.now() }]);
    await gateway.publishSamples([{ deviceId: 'ant:120:30003', ts: Date.now(), bpm: 95, battery: 71 }]);
    await eventually(
      async () => ((await seenDevices(created.id)).length === 2 ? true : undefined),
      'both straps of the new studio seen',
    );
    expect(fresh.letters).toEqual([]);
    fresh.subscription.unsubscribe();

    // Nothing was recorded for the studio that does not exist.
    await sleep(300);
    expect(await (await DeviceStatusStore.open(nats)).studio(nowhere)).toEqual([]);
  });
});
