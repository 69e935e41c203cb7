// Parses one message from the ingress stream: subject, size, JSON and schema.
import {
  GATEWAY_MAX_BYTES,
  describeIssues,
  parseGatewaySubject,
  sampleBatch,
  type GatewaySubject,
  type SampleBatch,
} from '#contracts';

export type IngressParse =
  | { ok: true; subject: GatewaySubject; batch: SampleBatch }
  | { ok: false; subject: GatewaySubject | null; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

export function parseIngress(subject: string, data: Uint8Array): IngressParse {
  const parsedSubject = parseGatewaySubject(subject);
  if (parsedSubject === null || parsedSubject.kind !== 'samples') {
    return {
      ok: false,
      subject: null,
      reason: `subject ${subject} is not hrm.v1.samples.<studioId>.<gatewayId>`,
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
  const parsed = sampleBatch.safeParse(json);
  if (!parsed.success) return { ok: false, subject: parsedSubject, reason: describeIssues(parsed.error) };
  if (parsed.data.gatewayId !== parsedSubject.gatewayId) {
    return {
      ok: false,
      subject: parsedSubject,
      reason: `gatewayId ${parsed.data.gatewayId} does not match the subject's ${parsedSubject.gatewayId}`,
    };
  }
  return { ok: true, subject: parsedSubject, batch: parsed.data };
}
