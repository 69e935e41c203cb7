import { describe, expect, it } from '@jest/globals';
import {
  createMemberBody,
  createStudioBody,
  deviceIdParam,
  deviceListQuery,
  deviceStatusKey,
  domainEvent,
  gatewayStatus,
  heartRateQuery,
  eventSubjects,
  isSessionEvent,
  isTimerEvent,
  parseGatewaySubject,
  parseWith,
  sampleBatch,
  sessionSubscribeRequest,
  decodeCompactValues,
  encodeCompactValues,
  hrmValues,
  hrmValuesCompact,
  rooms,
} from './index.js';

// The example of contract 1 (docs/contracts/gateway.md).
const example = {
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

describe('gateway contract', () => {
  it('accepts the documented example and normalises times to epoch ms', () => {
    const batch = sampleBatch.parse(example);
    expect(batch.sentAt).toBe(Date.parse('2026-11-26T10:00:01.000Z'));
    expect(batch.samples[0]?.ts).toBe(Date.parse('2026-11-26T10:00:00.123Z'));
  });

  it('accepts epoch ms timestamps and the optional fields left out', () => {
    const batch = sampleBatch.parse({
      ...example,
      sentAt: 1795600000000,
      samples: [{ deviceId: 'd', ts: 1795600000000, bpm: 0 }],
    });
    expect(batch.samples[0]).toEqual({ deviceId: 'd', ts: 1795600000000, bpm: 0 });
  });

  it.each([
    ['bpm over 255', { samples: [{ ...example.samples[0], bpm: 256 }] }, 'samples.0.bpm'],
    ['a fractional bpm', { samples: [{ ...example.samples[0], bpm: 120.5 }] }, 'samples.0.bpm'],
    ['battery over 100', { samples: [{ ...example.samples[0], battery: 101 }] }, 'samples.0.battery'],
    ['no samples', { samples: [] }, 'samples'],
    ['501 samples', { samples: Array.from({ length: 501 }, () => example.samples[0]) }, 'samples'],
    ['a gateway id with a dot', { gatewayId: 'gw.1' }, 'gatewayId'],
    ['an unknown field', { extra: true }, '(root)'],
    ['a time without offset', { sentAt: '2026-11-26 10:00' }, 'sentAt'],
  ])('refuses %s, naming the field', (_case, change, field) => {
    const result = parseWith(sampleBatch, { ...example, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(field);
  });

  it('parses gateway status', () => {
    const status = gatewayStatus.parse({
      gatewayId: 'gw-1',
      sentAt: 1795600000000,
      devices: [{ deviceId: 'ant:1', battery: 50, lastSeen: '2026-11-26T10:00:00Z' }],
    });
    expect(status.devices[0]?.lastSeen).toBe(Date.parse('2026-11-26T10:00:00Z'));
  });

  it('splits a gateway subject and refuses any other', () => {
    expect(parseGatewaySubject('hrm.v1.samples.studio-1.gw_2')).toEqual({
      kind: 'samples',
      studioId: 'studio-1',
      gatewayId: 'gw_2',
    });
    expect(parseGatewaySubject('hrm.v1.samples.studio-1')).toBeNull();
    expect(parseGatewaySubject('hrm.v1.samples.a.b.c')).toBeNull();
    expect(parseGatewaySubject('hrm.v2.samples.a.b')).toBeNull();
    expect(parseGatewaySubject(`hrm.v1.samples.${'x'.repeat(65)}.b`)).toBeNull();
  });
});

describe('events', () => {
  const started = {
    id: 'e1',
    type: 'session.started',
    occurredAt: 1,
    recordedAt: 2,
    correlationId: 'c',
    causationId: null,
    data: { sessionId: 's_1', startedAt: 1 },
  };

  it('parses an envelope and tells session events from heart-rate events', () => {
    const event = domainEvent.parse(started);
    expect(isSessionEvent(event)).toBe(true);
    const heartRate = domainEvent.parse({
      ...started,
      type: 'heart-rate.recorded',
      data: {
        sessionId: 's_1',
        participantId: 'p_1',
        studioId: 'st',
        deviceId: 'd',
        ts: 1,
        bpm: 120,
        zone: 2,
        pctMax: 65,
      },
    });
    expect(isSessionEvent(heartRate)).toBe(false);
  });

  it('tells timer events apart: on the class tail, but no session event (tails skip them)', () => {
    const paused = domainEvent.parse({ ...started, type: 'timer.paused', data: { sessionId: 's_1', at: 5 } });
    expect(isTimerEvent(paused)).toBe(true);
    expect(isSessionEvent(paused)).toBe(false);
    expect(isTimerEvent(domainEvent.parse(started))).toBe(false);
    // evt.session.> (every tail of class events) covers the timer's subject; the class's own does not.
    expect(eventSubjects.timer('s_1')).toBe('evt.session.s_1.timer');
    expect(eventSubjects.timer('s_1').startsWith(`${eventSubjects.session('s_1')}.`)).toBe(true);
  });

  it('refuses an event whose data does not fit its type', () => {
    expect(domainEvent.safeParse({ ...started, data: { sessionId: 's_1' } }).success).toBe(false);
    expect(domainEvent.safeParse({ ...started, type: 'session.exploded' }).success).toBe(false);
    expect(domainEvent.safeParse({ ...started, correlationId: undefined }).success).toBe(false);
  });
});

describe('REST and socket bodies', () => {
  it('refuses unknown fields and out-of-range values in a studio', () => {
    expect(createStudioBody.safeParse({ name: 'Studio', colour: 'red' }).success).toBe(false);
    expect(createStudioBody.safeParse({ name: '  ' }).success).toBe(false);
    expect(createStudioBody.safeParse({ name: 'S', maxHrFormula: 'guess' }).success).toBe(false);
    expect(createStudioBody.safeParse({ name: 'S', customZones: [50, 60, 60, 80, 90] }).success).toBe(false);
    expect(createStudioBody.safeParse({ name: 'S', timezone: 'Mars/Olympus' }).success).toBe(false);
    expect(createStudioBody.safeParse({ name: 'S', timezone: 'Europe/Berlin' }).success).toBe(true);
    expect(createStudioBody.safeParse({ name: 'S', zoneModel: 'custom' }).success).toBe(false);
    expect(createStudioBody.parse({ name: ' S ', customZones: [55, 65, 75, 85, 95] })).toEqual({
      name: 'S',
      customZones: [55, 65, 75, 85, 95],
    });
  });

  it('bounds an athlete to plausible values', () => {
    expect(createMemberBody.safeParse({ displayName: 'A', sex: 'other' }).success).toBe(false);
    expect(createMemberBody.safeParse({ displayName: 'A', maxHr: 300 }).success).toBe(false);
    expect(createMemberBody.safeParse({ displayName: 'A', birthYear: 1850 }).success).toBe(false);
    expect(createMemberBody.parse({ displayName: 'A', weightKg: 72.5, sex: 'female' }).weightKg).toBe(72.5);
  });

  it('defaults the heart-rate query to raw and refuses unknown buckets', () => {
    expect(heartRateQuery.parse({})).toEqual({ bucket: 'raw' });
    expect(heartRateQuery.safeParse({ bucket: '2s' }).success).toBe(false);
  });

  it('refuses a subscribe without a session id or with a malformed one', () => {
    expect(sessionSubscribeRequest.safeParse({}).success).toBe(false);
    expect(sessionSubscribeRequest.safeParse({ sessionId: 'a b' }).success).toBe(false);
    expect(sessionSubscribeRequest.safeParse({ sessionId: 's_1' }).success).toBe(true);
  });

  it('keys device status by studio and device in characters a KV key allows', () => {
    const key = deviceStatusKey('st_1', 'ant:120:54321');
    expect(key).toMatch(/^st_1\.[-/=\w]+$/);
    expect(deviceStatusKey('st_1', 'ant:120:54322')).not.toBe(key);
    expect(Buffer.from(key.split('.')[1] ?? '', 'base64url').toString('utf8')).toBe('ant:120:54321');
  });

  it('takes any strap id in a path but one with a NUL, which Postgres cannot hold (400, not 500)', () => {
    expect(deviceIdParam.parse('ant:120:54321')).toBe('ant:120:54321');
    expect(deviceIdParam.safeParse('ant\u0000').success).toBe(false);
    expect(deviceIdParam.safeParse('').success).toBe(false);
  });

  it('lists unassigned devices of the last 24 hours unless told otherwise, up to 30 days', () => {
    expect(deviceListQuery.parse({})).toEqual({ seenWithinHours: 24 });
    expect(deviceListQuery.parse({ seenWithinHours: '720' })).toEqual({ seenWithinHours: 720 });
    expect(deviceListQuery.safeParse({ seenWithinHours: '0' }).success).toBe(false);
    expect(deviceListQuery.safeParse({ seenWithinHours: '721' }).success).toBe(false);
    expect(deviceListQuery.safeParse({ assigned: 'false' }).success).toBe(false);
  });
});

describe('compact values frames', () => {
  it('carry the same values as the object form, and decode back to it', () => {
    const frame = hrmValues.parse({
      sessionId: 's1',
      seq: 7,
      at: 1_764_000_001_000,
      values: [
        {
          participantId: 'p1',
          bpm: 142,
          zone: 3,
          pctMax: 76.8,
          kcal: 12.3,
          points: 4.5,
          status: 'ok',
          ts: 1_764_000_000_600,
        },
        {
          participantId: 'p2',
          bpm: 0,
          zone: 0,
          pctMax: 0,
          kcal: null,
          points: 0,
          status: 'stale',
          ts: 1_763_999_990_000,
        },
      ],
      full: true,
    });
    const compact = hrmValuesCompact.parse(encodeCompactValues(frame));
    expect(compact.rows[0]).toEqual(['p1', 142, 3, 76.8, 12.3, 4.5, 'ok', -400]);
    expect(decodeCompactValues(compact)).toEqual(frame);
    expect(JSON.stringify(compact).length).toBeLessThan(JSON.stringify(frame).length * 0.7);
  });
});

describe('room names', () => {
  it('are read back as what they were built for', () => {
    expect(rooms.parse(rooms.session('s-1'))).toEqual({ kind: 'session', sessionId: 's-1' });
    expect(rooms.parse(rooms.sessionCompact('s_1'))).toEqual({ kind: 'session-compact', sessionId: 's_1' });
    expect(rooms.parse(rooms.studio('studio-A'))).toEqual({ kind: 'studio', studioId: 'studio-A' });
  });

  it('name nothing else: socket ids, unknown kinds, ids that are not entity ids', () => {
    for (const name of [
      'x2Hf8Qk1bZ_9aP0AAAB',
      'class:s1',
      'session:',
      'studio:',
      'session:s1#full',
      'session:s1#compact#compact',
      'studio:st1#compact',
      'session:a:b',
      'session:a.b',
      `studio:${'x'.repeat(65)}`,
      'Session:s1',
    ])
      expect(rooms.parse(name)).toBeNull();
  });
});
