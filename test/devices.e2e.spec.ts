// Straps through real processes: a gateway's status and samples become each
// strap's battery, RSSI and last seen in the device list; a strap nobody is
// paired with shows up as unassigned until a coach pairs it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  deadLetter,
  deviceList,
  heartRateSeries,
  member,
  type DeviceList,
  type DeviceStatus,
} from '#contracts';
import { eventually, startTestStack, type TestStack } from '#testing';
import { TestGateway } from './support/gateway.js';
import { expectStatus, setUpLiveClass, type LiveClass } from './support/live-class.js';

const PAIRED = 'ant:120:20001';
const STRANGER = 'ble:c0:ff:ee:00:01';
const LONG_GONE = 'ant:120:29999';
const HOUR = 3600 * 1000;

describe('devices with their status, and unassigned devices', () => {
  let stack: TestStack;
  let nats: NatsConnection;
  let live: LiveClass;
  let gateway: TestGateway;

  const devices = async (query = ''): Promise<DeviceList> =>
    deviceList.parse(
      await expectStatus(stack.api('GET', `/api/v1/studios/${live.studioId}/devices${query}`), 200),
    );
  const statusOf = (list: DeviceList, deviceId: string): DeviceStatus | null | undefined =>
    [...list.devices, ...list.unassigned].find((device) => device.deviceId === deviceId)?.status;

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest'], { env: { INGEST_DEVICE_STATUS_INTERVAL_MS: '500' } });
    nats = await stack.connectNats();
    live = await setUpLiveClass(stack, [PAIRED]);
    gateway = await TestGateway.connect(stack, live.studioId, 'gw-1');
  }, 120_000);

  afterAll(async () => {
    await nats?.close();
    await stack?.stop();
  });

  it('shows battery, RSSI and last seen of a paired strap, and lists a strap nobody wears as unassigned', async () => {
    const listed = await devices();
    expect(listed.devices).toEqual([
      expect.objectContaining({ deviceId: PAIRED, displayName: 'Athlete 1', status: null }),
    ]);
    expect(listed.unassigned).toEqual([]);

    const now = Date.now();
    await gateway.publishStatus([
      { deviceId: PAIRED, battery: 77, rssi: -58, lastSeen: now - 2000 },
      { deviceId: STRANGER, battery: 55, rssi: -80, lastSeen: now - 1000 },
      { deviceId: LONG_GONE, battery: 5, lastSeen: now - 30 * HOUR },
    ]);
    // Samples are newer than the status: their battery and RSSI win, whichever is read first.
    await gateway.publishSamples([{ deviceId: PAIRED, ts: now, bpm: 120, battery: 76, rssi: -55 }]);

    const seen = await eventually(async () => {
      const list = await devices();
      const heard = statusOf(list, PAIRED)?.lastSeen === now && list.unassigned.length > 0;
      // The long-gone strap is recorded too (listed only when asked for, below).
      return heard && statusOf(await devices('?seenWithinHours=48'), LONG_GONE) ? list : undefined;
    }, 'the paired strap to show its latest sample and the stranger to be unassigned');
    expect(seen.devices).toEqual([
      {
        deviceId: PAIRED,
        memberId: live.session.participants[0]?.memberId,
        displayName: 'Athlete 1',
        pairedAt: expect.any(Number),
        status: { lastSeen: now, battery: 76, rssi: -55, gatewayId: 'gw-1' },
      },
    ]);
    // A strap heard 30 hours ago is noise by default, and there when asked for.
    expect(seen.unassigned).toEqual([
      { deviceId: STRANGER, status: { lastSeen: now - 1000, battery: 55, rssi: -80, gatewayId: 'gw-1' } },
    ]);
    const wider = await devices('?seenWithinHours=48');
    expect(wider.unassigned.map((device) => device.deviceId)).toEqual([STRANGER, LONG_GONE]);
    expect(
      (await stack.api('GET', `/api/v1/studios/${live.studioId}/devices?seenWithinHours=0`)).status,
    ).toBe(400);
  });

  it('no longer lists a strap as unassigned once it is paired, and again once unpaired', async () => {
    const athlete = member.parse(
      await expectStatus(
        stack.api('POST', `/api/v1/studios/${live.studioId}/members`, { displayName: 'New Nora' }),
        201,
      ),
    );
    const path = `/api/v1/studios/${live.studioId}/devices/${encodeURIComponent(STRANGER)}`;
    await expectStatus(stack.api('PUT', path, { memberId: athlete.id }), 200);

    const paired = await devices();
    expect(paired.unassigned).toEqual([]);
    expect(paired.devices.find((device) => device.deviceId === STRANGER)).toMatchObject({
      memberId: athlete.id,
      displayName: 'New Nora',
      status: { battery: 55, rssi: -80, gatewayId: 'gw-1' },
    });

    await expectStatus(stack.api('DELETE', path), 204);
    expect((await devices()).unassigned.map((device) => device.deviceId)).toEqual([STRANGER]);
  });

  it('dead-letters a malformed status message with its reason and keeps ingesting samples', async () => {
    const letters: unknown[] = [];
    const subscription = nats.subscribe(`hrm.v1.dlq.${live.studioId}.gw-1`, {
      callback: (_error, message) => {
        letters.push(message.json());
      },
    });
    await gateway.publishRaw(
      JSON.stringify({
        gatewayId: 'gw-1',
        sentAt: Date.now(),
        devices: [{ deviceId: PAIRED, battery: 140 }],
      }),
      undefined,
      `hrm.v1.status.${live.studioId}.gw-1`,
    );
    const [letter] = await eventually(() => (letters.length > 0 ? letters : undefined), 'a dead letter');
    subscription.unsubscribe();
    const parsed = deadLetter.parse(letter);
    expect(parsed.subject).toBe(`hrm.v1.status.${live.studioId}.gw-1`);
    expect(parsed.reason).toMatch(/devices\.0\.battery/);
    expect(parsed.reason).toMatch(/devices\.0\.lastSeen/);

    const ts = Date.now();
    await gateway.publishSamples([{ deviceId: PAIRED, ts, bpm: 131, battery: 75 }]);
    await eventually(async () => {
      const series = heartRateSeries.parse(
        await expectStatus(stack.api('GET', `/api/v1/sessions/${live.sessionId}/heart-rate`), 200),
      );
      return series.participants.some((entry) => entry.points.some((point) => point.t === ts))
        ? true
        : undefined;
    }, 'the sample after the bad status to reach history');
    await eventually(
      async () => (statusOf(await devices(), PAIRED)?.lastSeen === ts ? true : undefined),
      'the sample after the bad status to be the strap’s last sighting',
    );
  });

  it('keeps every strap’s status across an ingest crash, and an older status after it moves nothing back', async () => {
    const before = await devices();
    const ingest = stack.service('ingest');
    await ingest.stop(true);
    // Ingest is down: the API reads the status from NATS all the same.
    expect(await devices()).toEqual(before);
    await ingest.start();
    expect(await devices()).toEqual(before);

    const latest = statusOf(before, PAIRED);
    expect(latest).toMatchObject({ battery: 75 });
    // A status message that a gateway buffered while offline: older than what is known.
    await gateway.publishStatus([
      { deviceId: PAIRED, battery: 99, rssi: -20, lastSeen: (latest?.lastSeen ?? 0) - 5000 },
    ]);
    const ts = Date.now();
    await gateway.publishSamples([{ deviceId: PAIRED, ts, bpm: 125, rssi: -50 }]);
    const after = await eventually(async () => {
      const status = statusOf(await devices(), PAIRED);
      return status?.lastSeen === ts ? status : undefined;
    }, 'a sample after the restart to be recorded');
    // The battery comes from the last sighting that said one: the old status changed nothing.
    expect(after).toEqual({ lastSeen: ts, battery: 75, rssi: -50, gatewayId: 'gw-1' });
  });
});
