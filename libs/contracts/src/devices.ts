// Straps a studio's gateways have heard: the status record ingest keeps per
// studio and device (NATS KV), and the REST device list built from it.
import { z } from 'zod';
import { entityId, epochMs, subjectToken } from './common.js';

/**
 * The KV bucket of device status: one key per studio and device, the latest
 * record only (history 1), dropped 30 days after its last write.
 */
export const deviceStatusBucket = {
  name: 'device_status',
  history: 1,
  maxAgeMs: 30 * 24 * 3600 * 1000,
} as const;

/**
 * `<studioId>.<deviceId as base64url>`: device ids such as `ant:120:54321`
 * hold characters a KV key may not, and the studio stays a token of its own
 * so `<studioId>.>` watches one studio.
 */
export function deviceStatusKey(studioId: string, deviceId: string): string {
  return `${studioId}.${base64url(deviceId)}`;
}

/** UTF-8 bytes as unpadded base64url, with what both Node and a browser have (the web app imports the contracts). */
function base64url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The key filter of every device of one studio. */
export const studioDeviceStatusKeys = (studioId: string) => `${studioId}.>`;

export const battery = z.int().min(0).max(100);
export const rssi = z.number().min(-150).max(20);

/** What ingest stores per studio and device: the latest sighting, from samples and gateway status. */
export const deviceStatusRecord = z.strictObject({
  studioId: entityId,
  deviceId: z.string().min(1).max(128),
  /** The gateway that heard it last. */
  gatewayId: subjectToken,
  /** When a gateway last heard it (the strap's own time, never after ingest received it), epoch ms. */
  lastSeen: epochMs,
  /** The last battery level reported, kept when a later sighting carries none; null: never reported. */
  battery: battery.nullable(),
  rssi: rssi.nullable(),
});
export type DeviceStatusRecord = z.infer<typeof deviceStatusRecord>;

/** How far back unassigned straps are listed unless asked otherwise: one heard a month ago is noise. */
export const UNASSIGNED_SEEN_WITHIN_HOURS = 24;

/** `GET /studios/:studioId/devices?seenWithinHours`: how far back unassigned devices are listed. */
export const deviceListQuery = z.strictObject({
  seenWithinHours: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number of hours from 1 to 720')
    .transform(Number)
    .pipe(z.int().min(1).max(720))
    .default(UNASSIGNED_SEEN_WITHIN_HOURS),
});
export type DeviceListQuery = z.infer<typeof deviceListQuery>;

export const deviceStatus = z.object({
  lastSeen: epochMs,
  battery: battery.nullable(),
  rssi: rssi.nullable(),
  gatewayId: subjectToken,
});
export type DeviceStatus = z.infer<typeof deviceStatus>;

export const pairedDevice = z.object({
  deviceId: z.string(),
  memberId: entityId,
  displayName: z.string(),
  pairedAt: epochMs,
  /** null when no gateway of the studio has heard it (in the last 30 days). */
  status: deviceStatus.nullable(),
});
export type PairedDevice = z.infer<typeof pairedDevice>;

export const unassignedDevice = z.object({
  deviceId: z.string(),
  status: deviceStatus,
});
export type UnassignedDevice = z.infer<typeof unassignedDevice>;

export const deviceList = z.object({
  /** Paired straps, by device id. */
  devices: z.array(pairedDevice),
  /** Straps heard in the studio and paired with nobody, newest sighting first. */
  unassigned: z.array(unassignedDevice),
});
export type DeviceList = z.infer<typeof deviceList>;
