import { describe, expect, it } from '@jest/globals';
import type { DeviceStatusRecord } from '#contracts';
import { unassignedOf } from '#domain';
import { UNASSIGNED_SEEN_WITHIN_MS } from './studio-directory.js';

const NOW = Date.UTC(2026, 10, 26, 10, 0);
const heard = (deviceId: string, agoMs: number): DeviceStatusRecord => ({
  studioId: 'downtown',
  deviceId,
  gatewayId: 'gw-1',
  lastSeen: NOW - agoMs,
  battery: 50,
  rssi: -60,
});

describe('unassigned straps of a studio', () => {
  it('lists straps nobody is paired with, heard in the last day, newest first', () => {
    const statuses = [
      heard('ant:1', 5000),
      heard('ant:2', 1000),
      heard('ant:paired', 0),
      heard('ant:old', UNASSIGNED_SEEN_WITHIN_MS + 1),
    ];
    const unassigned = unassignedOf(statuses, new Set(['ant:paired']), NOW - UNASSIGNED_SEEN_WITHIN_MS);
    expect(unassigned).toEqual([
      { deviceId: 'ant:2', status: { lastSeen: NOW - 1000, battery: 50, rssi: -60, gatewayId: 'gw-1' } },
      { deviceId: 'ant:1', status: { lastSeen: NOW - 5000, battery: 50, rssi: -60, gatewayId: 'gw-1' } },
    ]);
  });
});
