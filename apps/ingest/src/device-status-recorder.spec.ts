import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import { deviceStatusKey, deviceStatusRecord } from '#contracts';
import type { Observation } from '#domain';
import { DeviceStatusStore } from '#eventstore';
import { Metrics } from '#platform';
import { testLogger, testNatsUrl } from '#testing';
import { DeviceStatusRecorder } from './device-status-recorder.js';

const { logger } = testLogger('test', 'error');

describe('device status recorder', () => {
  let connection: NatsConnection;
  let store: DeviceStatusStore;

  beforeAll(async () => {
    connection = await connect({ servers: testNatsUrl() });
    store = await DeviceStatusStore.open(connection);
  });
  afterAll(async () => {
    await connection.close();
  });

  it('writes a first sighting and a battery change at once, other news once per interval, the rest on stop', async () => {
    const studioId = `st_${crypto.randomBytes(6).toString('hex')}`;
    const deviceId = 'ant:120:77777';
    let now = 1_800_000_000_000;
    const metrics = new Metrics();
    const writes = () =>
      Number(/hrm_ingest_device_status_writes_total\S* (\d+)/.exec(metrics.render())?.[1] ?? 0);
    const stored = async () => {
      const entry = await store.kv.get(deviceStatusKey(studioId, deviceId));
      return entry === null ? null : deviceStatusRecord.parse(entry.json());
    };
    const recorder = new DeviceStatusRecorder(store, logger, metrics, { intervalMs: 5000, now: () => now });
    const sample = (seenAt: number, battery?: number): Observation => ({
      studioId,
      deviceId,
      gatewayId: 'gw-1',
      seenAt,
      battery,
      rssi: -60 - (seenAt % 10),
    });

    recorder.observe([sample(now - 100, 80)]);
    await recorder.settled();
    expect(writes()).toBe(1);
    expect(await stored()).toMatchObject({ lastSeen: now - 100, battery: 80 });

    // One sample a second for four seconds: held, nothing written.
    for (let second = 1; second <= 4; second++) {
      now += 1000;
      recorder.observe([sample(now - 100)]);
    }
    await recorder.settled();
    expect(writes()).toBe(1);

    // The battery drops: written at once, with the newest last seen.
    now += 500;
    recorder.observe([sample(now - 100, 79)]);
    await recorder.settled();
    expect(writes()).toBe(2);
    expect(await stored()).toMatchObject({ lastSeen: now - 100, battery: 79 });

    // A second later: held until stop, which writes it.
    now += 1000;
    recorder.observe([sample(now - 100)]);
    await recorder.settled();
    expect(writes()).toBe(2);
    await recorder.stop();
    expect(writes()).toBe(3);
    expect(await stored()).toMatchObject({ lastSeen: now - 100, battery: 79 });

    // After a restart, an old sighting (a late batch) does not move last seen back.
    const restarted = new DeviceStatusRecorder(store, logger, new Metrics(), {
      intervalMs: 5000,
      now: () => now,
    });
    restarted.observe([sample(now - 60_000, 90)]);
    await restarted.stop();
    expect(await stored()).toMatchObject({ lastSeen: now - 100, battery: 79 });
  });
});
