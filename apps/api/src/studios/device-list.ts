// The device list: a studio's pairings with each strap's status, and the
// straps its gateways heard that nobody is paired with ("who is this?").
import { deviceList, type DeviceList, type DeviceStatusRecord } from '#contracts';
import { deviceStatusOf, unassignedOf } from '#domain';

export interface Pairing {
  deviceId: string;
  memberId: string;
  displayName: string;
  pairedAt: number;
}

/**
 * Paired straps in the order given, each with its status or null; unassigned straps
 * seen at or after `seenSince`, newest first (a strap heard once a month ago
 * is noise, unless asked for).
 */
export function deviceListView(
  pairings: Pairing[],
  statuses: DeviceStatusRecord[],
  seenSince: number,
): DeviceList {
  const byDevice = new Map(statuses.map((record) => [record.deviceId, record]));
  const paired = new Set(pairings.map((pairing) => pairing.deviceId));
  return deviceList.parse({
    devices: pairings.map((pairing) => {
      const record = byDevice.get(pairing.deviceId);
      return { ...pairing, status: record === undefined ? null : deviceStatusOf(record) };
    }),
    unassigned: unassignedOf(statuses, paired, seenSince),
  });
}
