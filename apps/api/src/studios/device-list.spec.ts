import { describe, expect, it } from '@jest/globals';
import type { DeviceStatusRecord } from '#contracts';
import { deviceListView, type Pairing } from './device-list.js';

const studioId = 'st_1';
const seen = (
  deviceId: string,
  lastSeen: number,
  fields: Partial<DeviceStatusRecord> = {},
): DeviceStatusRecord => ({
  studioId,
  deviceId,
  gatewayId: 'gw-1',
  lastSeen,
  battery: 80,
  rssi: -60,
  ...fields,
});
const anna: Pairing = { deviceId: 'ant:1', memberId: 'm_anna', displayName: 'Anna', pairedAt: 500 };
const ben: Pairing = { deviceId: 'ant:2', memberId: 'm_ben', displayName: 'Ben', pairedAt: 600 };

describe('deviceListView', () => {
  it('gives each paired strap its status, or null when never heard', () => {
    const view = deviceListView([anna, ben], [seen('ant:1', 9000, { battery: 12, rssi: -71 })], 0);
    expect(view.devices).toEqual([
      { ...anna, status: { lastSeen: 9000, battery: 12, rssi: -71, gatewayId: 'gw-1' } },
      { ...ben, status: null },
    ]);
  });

  it('lists straps heard and paired with nobody, newest first, since the given time only', () => {
    const view = deviceListView(
      [anna],
      [
        seen('ant:1', 9000),
        seen('ble:old', 100),
        seen('ble:b', 5000, { battery: null }),
        seen('ble:a', 7000),
      ],
      1000,
    );
    expect(view.unassigned).toEqual([
      { deviceId: 'ble:a', status: { lastSeen: 7000, battery: 80, rssi: -60, gatewayId: 'gw-1' } },
      { deviceId: 'ble:b', status: { lastSeen: 5000, battery: null, rssi: -60, gatewayId: 'gw-1' } },
    ]);
  });

  it('shows a paired strap however long ago it was heard', () => {
    expect(deviceListView([anna], [seen('ant:1', 100)], 1000).devices[0]?.status?.lastSeen).toBe(100);
  });
});
