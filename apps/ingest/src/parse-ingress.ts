// Parses one message from the ingress stream: subject, size, JSON and schema.
import type { z } from 'zod';
import {
  GATEWAY_MAX_BYTES,
  describeIssues,
  gatewayStatus,
  parseGatewaySubject,
  sampleBatch,
  type GatewayStatus,
  type GatewaySubject,
  type SampleBatch,
} from '#contracts';

export type GatewayParse<T> =
  | { ok: true; subject: GatewaySubject; body: T }
  | { ok: false; subject: GatewaySubject | null; reason: string };

export type IngressParse =
  | { ok: true; subject: GatewaySubject; batch: SampleBatch }
  | { ok: false; subject: GatewaySubject | null; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

export function parseIngress(subject: string, data: Uint8Array): IngressParse {
  const parsed = parseGatewayMessage('samples', sampleBatch, subject, data);
  return parsed.ok ? { ok: true, subject: parsed.subject, batch: parsed.body } : parsed;
}

/** A gateway's status message (`hrm.v1.status.<studioId>.<gatewayId>`), checked like samples. */
export function parseStatus(subject: string, data: Uint8Array): GatewayParse<GatewayStatus> {
  return parseGatewayMessage('status', gatewayStatus, subject, data);
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
