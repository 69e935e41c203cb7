import { describe, expect, it } from '@jest/globals';
import { heartRateBatchRecorded, type Sample } from '#contracts';
import { heartRateBatch, heartRateBatchId, recordedSample, type BatchOrigin } from './heart-rate-events.js';
import type { Assignment } from './session-directory.js';

const TS = Date.UTC(2026, 10, 26, 10, 0, 0, 123);
const RECORDED_AT = TS + 850;

// Max 180, percent-max zones: zone 1 from 90, 2 from 108, 3 from 126, 4 from 144, 5 from 162.
const assignment: Assignment = {
  sessionId: 's-monday',
  studioId: 'downtown',
  participantId: 'p-ana',
  maxHr: 180,
  zoneThresholds: [90, 108, 126, 144, 162],
  from: TS - 600_000,
  until: null,
};

const origin: BatchOrigin = { studioId: 'downtown', gatewayId: 'gw-1', seq: 1042, streamSeq: 77 };

const sample = (fields: Partial<Sample> = {}): Sample => ({
  deviceId: 'ant:120:54321',
  ts: TS,
  bpm: 150,
  ...fields,
});

const recorded = (fields: Partial<Sample> = {}) => recordedSample(sample(fields), assignment);

describe('recordedSample', () => {
  it("names the participant wearing the strap and keeps the sample's own time", () => {
    expect(recorded()).toEqual({
      participantId: 'p-ana',
      deviceId: 'ant:120:54321',
      ts: TS,
      bpm: 150,
      zone: 4,
      pctMax: 83.3,
      maxHr: 180,
    });
  });

  it.each([
    [89, 0],
    [90, 1],
    [107, 1],
    [108, 2],
    [126, 3],
    [143, 3],
    [144, 4],
    [161, 4],
    [162, 5],
    [200, 5],
  ])('puts %i bpm in zone %i by the thresholds copied at join', (bpm, zone) => {
    expect(recorded({ bpm }).zone).toBe(zone);
  });

  it('gives percent of max HR to one decimal', () => {
    expect(recorded({ bpm: 90 }).pctMax).toBe(50);
    expect(recorded({ bpm: 181 }).pctMax).toBe(100.6);
    expect(recorded({ bpm: 121 }).pctMax).toBe(67.2);
  });

  it('treats bpm 0 as no reading: zone 0 and 0 % of max', () => {
    expect(recorded({ bpm: 0 })).toMatchObject({ bpm: 0, zone: 0, pctMax: 0 });
  });

  it('leaves out the optional fields the gateway did not send', () => {
    const data = recorded();

    expect(data).not.toHaveProperty('rrMs');
    expect(data).not.toHaveProperty('contact');
    expect(data).not.toHaveProperty('battery');
    expect(data).not.toHaveProperty('rssi');
  });

  it('copies the optional fields the gateway sent, falsy ones included', () => {
    const data = recorded({ rrMs: [412.1, 420], contact: false, battery: 0, rssi: -61 });

    expect(data).toMatchObject({ rrMs: [412.1, 420], contact: false, battery: 0, rssi: -61 });
  });
});

describe('heartRateBatch', () => {
  const ben = { ...recorded({ deviceId: 'ant:120:11111', ts: TS - 200, bpm: 120 }), participantId: 'p-ben' };

  it("carries the class's samples of one gateway message, timed by the earliest", () => {
    expect(heartRateBatch('s-monday', [recorded(), ben], origin, RECORDED_AT)).toEqual({
      id: `s-monday:77:${TS}`,
      type: 'heart-rate.batch-recorded',
      occurredAt: TS - 200,
      recordedAt: RECORDED_AT,
      correlationId: 'gw-1:1042',
      causationId: 'HRM_INGRESS:77',
      data: { sessionId: 's-monday', studioId: 'downtown', gatewayId: 'gw-1', samples: [recorded(), ben] },
    });
  });

  it('gives a redelivered message the same id, and another message another', () => {
    const first = heartRateBatch('s-monday', [recorded()], origin, RECORDED_AT);
    const redelivered = heartRateBatch('s-monday', [recorded()], origin, RECORDED_AT + 5000);
    const next = heartRateBatch(
      's-monday',
      [recorded({ ts: TS + 1000 })],
      { ...origin, streamSeq: 78 },
      RECORDED_AT,
    );
    // An ingress stream recreated within the dedupe window numbers its messages from 1 again.
    const recreated = heartRateBatch('s-monday', [recorded({ ts: TS + 600_000 })], origin, RECORDED_AT);

    expect(redelivered.id).toBe(first.id);
    expect(heartRateBatchId('s-monday', origin, TS)).toBe(first.id);
    expect(new Set([first.id, next.id, recreated.id]).size).toBe(3);
    expect(heartRateBatch('s-tuesday', [recorded()], origin, RECORDED_AT).id).not.toBe(first.id);
  });

  it('produces events the log accepts, with and without the optional fields', () => {
    const samples = [
      recorded(),
      recorded({ ts: TS + 1000, rrMs: [800], contact: true, battery: 15, rssi: -90 }),
    ];
    const event = heartRateBatch('s-monday', samples, origin, RECORDED_AT);
    const parsed = heartRateBatchRecorded.safeParse(event);

    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(event);
    expect(
      heartRateBatchRecorded.safeParse(heartRateBatch('s-monday', [recorded({ bpm: 0 })], origin, 1)).success,
    ).toBe(true);
  });

  it('refuses to make an event without a sample', () => {
    expect(() => heartRateBatch('s-monday', [], origin, RECORDED_AT)).toThrow(RangeError);
  });
});
