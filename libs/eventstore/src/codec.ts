import { domainEvent, describeIssues, type DomainEvent } from '#contracts';

/** An event as read back from the log, with where it sits. */
export interface StoredEvent<E extends DomainEvent = DomainEvent> {
  /** Stream sequence: the event's position, and its aggregate's version once appended. */
  seq: number;
  subject: string;
  event: E;
}

export type DecodeResult = { ok: true; event: DomainEvent } | { ok: false; reason: string };

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function encodeEvent(event: DomainEvent): Uint8Array {
  return encoder.encode(JSON.stringify(event));
}

/** Events are parsed on the way out as on the way in: a bad one is reported, never trusted. */
export function decodeEvent(data: Uint8Array): DecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = domainEvent.safeParse(json);
  return parsed.success
    ? { ok: true, event: parsed.data }
    : { ok: false, reason: describeIssues(parsed.error) };
}
