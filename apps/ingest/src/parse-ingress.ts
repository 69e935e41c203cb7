// Parses one message from the ingress stream: subject, size, JSON, schema and
// the gateway's timestamps against the moment the platform received it.
import type { z } from 'zod';
import {
  GATEWAY_MAX_BYTES,
  describeIssues,
  gatewayStatus,
  parseGatewaySubject,
  sampleBatch,
  timestampOutOfRange,
  type GatewayStatus,
  type GatewaySubject,
  type SampleBatch,
  type TimeBounds,
} from '#contracts';

export type GatewayParse<T> =
  | { ok: true; subject: GatewaySubject; body: T }
  | { ok: false; subject: GatewaySubject | null; reason: string };

export type IngressParse =
  | { ok: true; subject: GatewaySubject; batch: SampleBatch }
  | { ok: false; subject: GatewaySubject | null; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A samples message. Every sample's `ts` must lie within `bounds` (not after
 * receipt plus the allowed skew, not older than the ingress retention): one
 * sample out of range refuses the whole message, as any other bad sample does,
 * so a refused message changes nothing (no history, no screen, no device status).
 */
export function parseIngress(subject: string, data: Uint8Array, bounds: TimeBounds): IngressParse {
  const parsed = parseGatewayMessage('samples', sampleBatch, subject, data);
  if (!parsed.ok) return parsed;
  for (const [index, sample] of parsed.body.samples.entries()) {
    const outOfRange = timestampOutOfRange(sample.ts, bounds);
    if (outOfRange !== null) {
      return {
        ok: false,
        subject: parsed.subject,
        reason: tsOutOfRange('samples', index, sample.deviceId, 'ts', outOfRange),
      };
    }
  }
  return { ok: true, subject: parsed.subject, batch: parsed.body };
}

/**
 * A gateway's status message (`hrm.v1.status.<studioId>.<gatewayId>`), checked like samples.
 * A `lastSeen` ahead of receipt plus the skew refuses it too (the gateway's clock is wrong);
 * an old one does not: a strap heard days ago is still a fact for the device list.
 */
export function parseStatus(
  subject: string,
  data: Uint8Array,
  bounds: TimeBounds,
): GatewayParse<GatewayStatus> {
  const parsed = parseGatewayMessage('status', gatewayStatus, subject, data);
  if (!parsed.ok) return parsed;
  for (const [index, device] of parsed.body.devices.entries()) {
    const outOfRange = timestampOutOfRange(device.lastSeen, bounds, false);
    if (outOfRange !== null) {
      return {
        ok: false,
        subject: parsed.subject,
        reason: tsOutOfRange('devices', index, device.deviceId, 'lastSeen', outOfRange),
      };
    }
  }
  return parsed;
}

/** `ts-out-of-range: samples.3 (deviceId "ant:1") ts 253402300800000 is after …`: names the sample. */
function tsOutOfRange(list: string, index: number, deviceId: string, field: string, why: string): string {
  return `ts-out-of-range: ${list}.${index} (deviceId ${JSON.stringify(deviceId)}) ${field} ${why}`;
}

function parseGatewayMessage<S extends z.ZodType<{ gatewayId: string }>>(
  kind: GatewaySubject['kind'],
  schema: S,
  subject: string,
  data: Uint8Array,
): GatewayParse<z.output<S>> {
  const parsedSubject = parseGatewaySubject(subject);
  if (parsedSubject === null || parsedSubject.kind !== kind) {
    return {
      ok: false,
      subject: null,
      reason: `subject ${subject} is not hrm.v1.${kind}.<studioId>.<gatewayId>`,
    };
  }
  if (data.byteLength > GATEWAY_MAX_BYTES) {
    return {
      ok: false,
      subject: parsedSubject,
      reason: `body is ${data.byteLength} bytes, over ${GATEWAY_MAX_BYTES}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch {
    return { ok: false, subject: parsedSubject, reason: 'body is not UTF-8 JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, subject: parsedSubject, reason: describeIssues(parsed.error) };
  if (parsed.data.gatewayId !== parsedSubject.gatewayId) {
    return {
      ok: false,
      subject: parsedSubject,
      reason: `gatewayId ${parsed.data.gatewayId} does not match the subject's ${parsedSubject.gatewayId}`,
    };
  }
  return { ok: true, subject: parsedSubject, body: parsed.data };
}
