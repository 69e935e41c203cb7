import { describe, expect, it } from '@jest/globals';
import { GATEWAY_MAX_AGE_MS, GATEWAY_MAX_BYTES, type SampleBatchInput } from '#contracts';
import { parseIngress, parseStatus, type IngressParse } from './parse-ingress.js';

const SUBJECT = 'hrm.v1.samples.downtown.gw-1';
/** The messages below reached the platform half a second after the gateway sent them. */
const RECEIVED = Date.UTC(2026, 10, 26, 10, 0, 1, 500);
const BOUNDS = { receivedAt: RECEIVED, maxFutureMs: 10_000 };

const validBatch: SampleBatchInput = {
  gatewayId: 'gw-1',
  seq: 1042,
  sentAt: '2026-11-26T10:00:01.000Z',
  samples: [
    {
      deviceId: 'ant:120:54321',
      ts: '2026-11-26T10:00:00.123Z',
      bpm: 142,
      rrMs: [412.1, 420.0],
      contact: true,
      battery: 80,
      rssi: -61,
    },
  ],
};

/** The valid batch with some fields replaced (by anything, to test refusals). */
const batch = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...validBatch,
  ...overrides,
});

const encode = (text: string) => new TextEncoder().encode(text);
const body = (value: unknown) => encode(JSON.stringify(value));

/** The reason of a refusal; fails the test when the message was accepted. */
function refusal(result: IngressParse): string {
  if (result.ok) throw new Error('expected the message to be refused');
  return result.reason;
}

describe('parseIngress', () => {
  it('accepts a valid batch, with timestamps as epoch ms', () => {
    const result = parseIngress(SUBJECT, body(batch()), BOUNDS);

    expect(result).toEqual({
      ok: true,
      subject: { kind: 'samples', studioId: 'downtown', gatewayId: 'gw-1' },
      batch: {
        gatewayId: 'gw-1',
        seq: 1042,
        sentAt: Date.UTC(2026, 10, 26, 10, 0, 1),
        samples: [
          {
            deviceId: 'ant:120:54321',
            ts: Date.UTC(2026, 10, 26, 10, 0, 0, 123),
            bpm: 142,
            rrMs: [412.1, 420.0],
            contact: true,
            battery: 80,
            rssi: -61,
          },
        ],
      },
    });
  });

  it('accepts epoch-ms timestamps and a sample with only the required fields', () => {
    const ts = Date.UTC(2026, 10, 26, 10, 0);
    const result = parseIngress(
      SUBJECT,
      body(batch({ sentAt: ts + 1000, samples: [{ deviceId: 'ble:aa', ts, bpm: 0 }] })),
      BOUNDS,
    );

    expect(result.ok).toBe(true);
    expect(result).toMatchObject({
      batch: { sentAt: ts + 1000, samples: [{ deviceId: 'ble:aa', ts, bpm: 0 }] },
    });
  });

  it.each([
    ['a status subject', 'hrm.v1.status.downtown.gw-1'],
    ['a dead-letter subject', 'hrm.v1.dlq.downtown.gw-1'],
    ['another version', 'hrm.v2.samples.downtown.gw-1'],
    ['no gateway token', 'hrm.v1.samples.downtown'],
    ['an extra token', 'hrm.v1.samples.downtown.gw-1.extra'],
    ['an empty token', 'hrm.v1.samples..gw-1'],
    ['a wildcard for the studio', 'hrm.v1.samples.*.gw-1'],
    ['a token over 64 characters', `hrm.v1.samples.${'s'.repeat(65)}.gw-1`],
  ])('refuses %s, naming the subject and the expected shape', (_, subject) => {
    const result = parseIngress(subject, body(batch()), BOUNDS);

    expect(result).toMatchObject({ ok: false, subject: null });
    expect(refusal(result)).toBe(`subject ${subject} is not hrm.v1.samples.<studioId>.<gatewayId>`);
  });

  it('refuses a body that is not JSON, keeping the studio and gateway for the dead letter', () => {
    const result = parseIngress(SUBJECT, encode('{"gatewayId": "gw-1", "seq": '), BOUNDS);

    expect(result).toEqual({
      ok: false,
      subject: { kind: 'samples', studioId: 'downtown', gatewayId: 'gw-1' },
      reason: 'body is not UTF-8 JSON',
    });
  });

  it('refuses a body that is not UTF-8, and reads the next message normally', () => {
    const bad = parseIngress(SUBJECT, Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), BOUNDS);
    const good = parseIngress(SUBJECT, body(batch()), BOUNDS);

    expect(refusal(bad)).toBe('body is not UTF-8 JSON');
    expect(good.ok).toBe(true);
  });

  it('refuses invalid UTF-8 inside a string rather than reading it as a replacement character', () => {
    const json = JSON.stringify(batch());
    const insideDeviceId = json.indexOf('ant:120:54321');
    const data = Uint8Array.from([
      ...encode(json.slice(0, insideDeviceId)),
      0xc3,
      0x28,
      ...encode(json.slice(insideDeviceId)),
    ]);

    expect(refusal(parseIngress(SUBJECT, data, BOUNDS))).toBe('body is not UTF-8 JSON');
  });

  it('refuses a body over 64 KiB, saying how big it was', () => {
    const oversize = new Uint8Array(GATEWAY_MAX_BYTES + 1).fill(0x20);

    expect(GATEWAY_MAX_BYTES).toBe(64 * 1024);
    expect(refusal(parseIngress(SUBJECT, oversize, BOUNDS))).toBe(
      `body is ${64 * 1024 + 1} bytes, over ${64 * 1024}`,
    );
  });

  it('accepts a body of exactly 64 KiB', () => {
    const json = JSON.stringify(batch());
    const padded = encode(json + ' '.repeat(GATEWAY_MAX_BYTES - json.length));

    expect(padded.byteLength).toBe(GATEWAY_MAX_BYTES);
    expect(parseIngress(SUBJECT, padded, BOUNDS).ok).toBe(true);
  });

  it('refuses a batch from another gateway than the subject says, naming both', () => {
    const result = parseIngress(SUBJECT, body(batch({ gatewayId: 'gw-2' })), BOUNDS);

    expect(result).toMatchObject({ ok: false, subject: { studioId: 'downtown', gatewayId: 'gw-1' } });
    expect(refusal(result)).toBe("gatewayId gw-2 does not match the subject's gw-1");
  });

  it.each([
    ['a bpm over 255', { samples: [{ deviceId: 'ant:1', ts: 0, bpm: 256 }] }, 'samples.0.bpm'],
    ['a fractional bpm', { samples: [{ deviceId: 'ant:1', ts: 0, bpm: 142.5 }] }, 'samples.0.bpm'],
    [
      'a battery over 100',
      { samples: [{ deviceId: 'ant:1', ts: 0, bpm: 90, battery: 101 }] },
      'samples.0.battery',
    ],
    [
      'a timestamp that is no date',
      { samples: [{ deviceId: 'ant:1', ts: 'yesterday', bpm: 90 }] },
      'samples.0.ts',
    ],
    ['an empty deviceId', { samples: [{ deviceId: '', ts: 0, bpm: 90 }] }, 'samples.0.deviceId'],
    ['no samples', { samples: [] }, 'samples'],
    ['more than 500 samples', { samples: Array(501).fill({ deviceId: 'ant:1', ts: 0, bpm: 90 }) }, 'samples'],
    ['no seq', { seq: undefined }, 'seq'],
    ['a negative seq', { seq: -1 }, 'seq'],
  ])('refuses %s, naming the field', (_, overrides, field) => {
    const reason = refusal(parseIngress(SUBJECT, body(batch(overrides)), BOUNDS));

    expect(reason.startsWith(`${field}: `)).toBe(true);
  });

  it('refuses a field the contract does not know, naming it', () => {
    const reason = refusal(parseIngress(SUBJECT, body(batch({ firmware: '1.2.3' })), BOUNDS));

    expect(reason).toContain('firmware');
  });

  describe('timestamps out of range', () => {
    const YEAR_10000 = Date.UTC(10000, 0, 1);
    const samplesAt = (...times: number[]) =>
      body(batch({ samples: times.map((ts, index) => ({ deviceId: `ant:${index}`, ts, bpm: 120 })) }));

    it('refuses the whole message for one sample in the year 10000, naming that sample', () => {
      const reason = refusal(parseIngress(SUBJECT, samplesAt(RECEIVED - 1000, YEAR_10000), BOUNDS));

      expect(reason).toBe(
        `ts-out-of-range: samples.1 (deviceId "ant:1") ts ${YEAR_10000} is after ${RECEIVED + 10_000}` +
          ` (received at ${RECEIVED} + 10000 ms allowed skew)`,
      );
    });

    it('refuses a sample one hour ahead, and accepts one within the allowed skew (the bound included)', () => {
      expect(refusal(parseIngress(SUBJECT, samplesAt(RECEIVED + 3_600_000), BOUNDS))).toMatch(
        /^ts-out-of-range: samples\.0 \(deviceId "ant:0"\) ts /,
      );
      expect(refusal(parseIngress(SUBJECT, samplesAt(RECEIVED + 10_001), BOUNDS))).toMatch(
        /^ts-out-of-range/,
      );
      expect(parseIngress(SUBJECT, samplesAt(RECEIVED + 10_000), BOUNDS).ok).toBe(true);
      expect(
        parseIngress(SUBJECT, samplesAt(RECEIVED + 30_000), { receivedAt: RECEIVED, maxFutureMs: 60_000 }).ok,
      ).toBe(true);
    });

    it('refuses a sample older than the ingress stream keeps (24 h before receipt), and accepts one just inside', () => {
      const DAY = 24 * 3600 * 1000;

      expect(GATEWAY_MAX_AGE_MS).toBe(DAY);
      expect(refusal(parseIngress(SUBJECT, samplesAt(RECEIVED, RECEIVED - DAY - 1), BOUNDS))).toBe(
        `ts-out-of-range: samples.1 (deviceId "ant:1") ts ${RECEIVED - DAY - 1} is before ${RECEIVED - DAY}` +
          ` (received at ${RECEIVED} - ${DAY} ms retention)`,
      );
      expect(refusal(parseIngress(SUBJECT, samplesAt(0), BOUNDS))).toMatch(/^ts-out-of-range: samples\.0 /);
      expect(parseIngress(SUBJECT, samplesAt(RECEIVED - DAY), BOUNDS).ok).toBe(true);
    });
  });

  it('refuses JSON that is not an object', () => {
    const result = parseIngress(SUBJECT, encode('[1, 2, 3]'), BOUNDS);

    expect(result).toMatchObject({ ok: false, subject: { gatewayId: 'gw-1' } });
    expect(refusal(result)).toMatch(/^\(root\): /);
  });
});

describe('parseStatus', () => {
  const STATUS_SUBJECT = 'hrm.v1.status.downtown.gw-1';
  const status = (overrides: Record<string, unknown> = {}) => ({
    gatewayId: 'gw-1',
    sentAt: '2026-11-26T10:00:01.000Z',
    version: 'acme-gw/2.3.1',
    devices: [{ deviceId: 'ant:120:54321', battery: 80, rssi: -61, lastSeen: 1795687200123 }],
    ...overrides,
  });

  it('accepts a valid status, with timestamps as epoch ms', () => {
    expect(parseStatus(STATUS_SUBJECT, body(status()), BOUNDS)).toEqual({
      ok: true,
      subject: { kind: 'status', studioId: 'downtown', gatewayId: 'gw-1' },
      body: {
        gatewayId: 'gw-1',
        sentAt: Date.UTC(2026, 10, 26, 10, 0, 1),
        version: 'acme-gw/2.3.1',
        devices: [{ deviceId: 'ant:120:54321', battery: 80, rssi: -61, lastSeen: 1795687200123 }],
      },
    });
  });

  it('refuses a samples subject and the checks samples get, with the same reasons', () => {
    expect(parseStatus(SUBJECT, body(status()), BOUNDS)).toMatchObject({
      ok: false,
      subject: null,
      reason: `subject ${SUBJECT} is not hrm.v1.status.<studioId>.<gatewayId>`,
    });
    expect(parseStatus(STATUS_SUBJECT, encode('nope'), BOUNDS)).toMatchObject({
      reason: 'body is not UTF-8 JSON',
    });
    expect(parseStatus(STATUS_SUBJECT, body(status({ gatewayId: 'gw-2' })), BOUNDS)).toMatchObject({
      reason: "gatewayId gw-2 does not match the subject's gw-1",
    });
    expect(
      parseStatus(
        STATUS_SUBJECT,
        body(status({ devices: [{ deviceId: 'a', lastSeen: 0, battery: 101 }] })),
        BOUNDS,
      ),
    ).toMatchObject({
      ok: false,
      subject: { studioId: 'downtown' },
      reason: expect.stringMatching(/^devices\.0\.battery: /),
    });
  });

  it('refuses a lastSeen ahead of receipt plus the skew, naming the strap, but not an old one', () => {
    const ahead = RECEIVED + 3_600_000;
    const devices = [
      { deviceId: 'ant:120:1', lastSeen: RECEIVED - 30 * 3600 * 1000 },
      { deviceId: 'ant:120:2', lastSeen: ahead },
    ];

    expect(parseStatus(STATUS_SUBJECT, body(status({ devices })), BOUNDS)).toEqual({
      ok: false,
      subject: { kind: 'status', studioId: 'downtown', gatewayId: 'gw-1' },
      reason:
        `ts-out-of-range: devices.1 (deviceId "ant:120:2") lastSeen ${ahead} is after ${RECEIVED + 10_000}` +
        ` (received at ${RECEIVED} + 10000 ms allowed skew)`,
    });
    expect(parseStatus(STATUS_SUBJECT, body(status({ devices: devices.slice(0, 1) })), BOUNDS).ok).toBe(true);
  });
});
