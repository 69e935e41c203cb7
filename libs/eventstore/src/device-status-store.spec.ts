import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import { deviceStatusBucket, deviceStatusKey, type DeviceStatusRecord } from '#contracts';
import { testNatsUrl } from '#testing';
import { DeviceStatusStore } from './device-status-store.js';

const studioId = () => `st_${crypto.randomBytes(6).toString('hex')}`;
const record = (studio: string, deviceId: string, lastSeen: number): DeviceStatusRecord => ({
  studioId: studio,
  deviceId,
  gatewayId: 'gw-1',
  lastSeen,
  battery: 80,
  rssi: -60,
});

describe('device status in NATS KV', () => {
  let connection: NatsConnection;
  let store: DeviceStatusStore;

  beforeAll(async () => {
    connection = await connect({ servers: testNatsUrl() });
    store = await DeviceStatusStore.open(connection);
  });
  afterAll(async () => {
    await connection.close();
  });

  it('keeps one record per strap, history 1, for 30 days; opening again changes nothing', async () => {
    await DeviceStatusStore.open(connection);
    const status = await store.kv.status();
    expect(status.history).toBe(deviceStatusBucket.history);
    expect(status.ttl).toBe(deviceStatusBucket.maxAgeMs);
  });

  it('lists a studio’s straps only, and an empty studio as nothing', async () => {
    const [a, b] = [studioId(), studioId()];
    await store.update(a, 'ant:120:1', () => record(a, 'ant:120:1', 1000));
    await store.update(a, 'ble:aa:bb', () => record(a, 'ble:aa:bb', 2000));
    await store.update(b, 'ant:120:1', () => record(b, 'ant:120:1', 3000));
    const listed = await store.studio(a);
    expect(listed.map((entry) => entry.deviceId).sort()).toEqual(['ant:120:1', 'ble:aa:bb']);
    expect(await store.studio(studioId())).toEqual([]);
  });

  it('changes what is stored, reading it again when another writer got in first', async () => {
    const studio = studioId();
    await store.update(studio, 'ant:1', () => record(studio, 'ant:1', 1000));
    let calls = 0;
    const stored = await store.update(studio, 'ant:1', async (current) => {
      calls++;
      // Another writer gets in between this read and its write, once.
      if (calls === 1)
        await store.kv.put(deviceStatusKey(studio, 'ant:1'), JSON.stringify(record(studio, 'ant:1', 5000)));
      return current === null ? null : { ...current, lastSeen: current.lastSeen + 1 };
    });
    expect(calls).toBe(2);
    expect(stored?.lastSeen).toBe(5001);
    expect(await store.update(studio, 'ant:1', () => null)).toEqual({ ...record(studio, 'ant:1', 5001) });
  });
});
