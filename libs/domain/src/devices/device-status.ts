// The latest sighting of a strap, folded from samples and gateway status, and
// when it is worth writing: a gateway reports every strap every few seconds
// and samples arrive at 1 Hz per strap, far more often than anyone reads them.
import type { DeviceStatus, DeviceStatusRecord, UnassignedDevice } from '#contracts';

/** The state kept per studio and device. */
export type DeviceSighting = DeviceStatusRecord;

/** What one sample or one status entry says about a strap. */
export interface Observation {
  studioId: string;
  deviceId: string;
  gatewayId: string;
  /** When the gateway heard it, by its own clock. */
  seenAt: number;
  battery?: number | undefined;
  rssi?: number | undefined;
}

/**
 * Folds an observation into what is known. A gateway clock ahead of ours
 * cannot place a sighting in the future (it would hide every real one until
 * then): `seenAt` is capped at `receivedAt`. Older news never overwrites newer
 * news, but fills in a battery or RSSI still unknown.
 */
export function observe(
  current: DeviceSighting | null,
  observation: Observation,
  receivedAt: number,
): DeviceSighting {
  const incoming: DeviceSighting = {
    studioId: observation.studioId,
    deviceId: observation.deviceId,
    gatewayId: observation.gatewayId,
    lastSeen: Math.min(observation.seenAt, receivedAt),
    battery: observation.battery ?? null,
    rssi: observation.rssi ?? null,
  };
  return current === null ? incoming : merge(current, incoming);
}

/** The newer of two sightings of one strap, with what the older knew that the newer does not. */
export function merge(a: DeviceSighting, b: DeviceSighting): DeviceSighting {
  const [older, newer] = b.lastSeen >= a.lastSeen ? [a, b] : [b, a];
  return {
    ...newer,
    battery: newer.battery ?? older.battery,
    rssi: newer.rssi ?? older.rssi,
  };
}

export function sameSighting(a: DeviceSighting, b: DeviceSighting): boolean {
  return (
    a.lastSeen === b.lastSeen && a.battery === b.battery && a.rssi === b.rssi && a.gatewayId === b.gatewayId
  );
}

/** What was last written for a strap, and when (by our clock). */
export interface Written {
  sighting: DeviceSighting;
  at: number;
}

/**
 * `now`: a first sighting, or a battery level that changed (a low battery must
 * show at once); `later`: newer news, written once `intervalMs` has passed
 * since the last write; `nothing`: nothing new.
 */
export type WriteDecision = 'now' | 'later' | 'nothing';

export function writeDecision(
  written: Written | null,
  next: DeviceSighting,
  now: number,
  intervalMs: number,
): WriteDecision {
  if (written === null) return 'now';
  if (sameSighting(written.sighting, next)) return 'nothing';
  if (next.battery !== written.sighting.battery) return 'now';
  return now - written.at >= intervalMs ? 'now' : 'later';
}

/** What screens and operators see of a sighting. */
export const deviceStatusOf = ({ lastSeen, battery, rssi, gatewayId }: DeviceStatusRecord): DeviceStatus => ({
  lastSeen,
  battery,
  rssi,
  gatewayId,
});

/** Straps heard at or after `seenSince` that nobody is paired with, newest first (then by id). */
export function unassignedOf(
  statuses: readonly DeviceStatusRecord[],
  paired: ReadonlySet<string>,
  seenSince: number,
): UnassignedDevice[] {
  return statuses
    .filter((record) => !paired.has(record.deviceId) && record.lastSeen >= seenSince)
    .sort((a, b) => b.lastSeen - a.lastSeen || (a.deviceId < b.deviceId ? -1 : 1))
    .map((record) => ({ deviceId: record.deviceId, status: deviceStatusOf(record) }));
}
