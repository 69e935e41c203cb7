import { describe, expect, it } from '@jest/globals';
import { sampleBatch } from '#contracts';
import { GatewayFleet, gatewayBatch, liveBatch, sampleStepMs } from './gateway-fleet.js';

const gateway = { studioId: 'st1', gatewayId: 'gw-1', startedAt: 1_000_000, deviceIds: ['a', 'b', 'c'] };

describe('the bench gateways', () => {
  it('publish batches of the public contract, walking round the room one tick per athlete', () => {
    const batch = gatewayBatch(gateway, 7, 2, 4, 25, 2_000_000);
    expect(batch.subject).toBe('hrm.v1.samples.st1.gw-1');
    expect(batch.msgId).toBe('gw-1:7');
    const parsed = sampleBatch.parse(JSON.parse(batch.body));
    expect(parsed.samples.map((s) => [s.deviceId, s.ts])).toEqual([
      ['c', 1_000_025],
      ['a', 1_000_050],
      ['b', 1_000_050],
      ['c', 1_000_050],
    ]);
  });

  it('never repeat an athlete and instant over a run, and never go before the class', () => {
    const fleet = new GatewayFleet([gateway, { ...gateway, gatewayId: 'gw-2' }], 5, 10);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const batch = fleet.nextBatch();
      for (const s of sampleBatch.parse(JSON.parse(batch.body)).samples) {
        const key = `${batch.subject}|${s.deviceId}|${s.ts}`;
        expect(seen.has(key)).toBe(false);
        expect(s.ts).toBeGreaterThan(gateway.startedAt);
        seen.add(key);
      }
    }
    expect(seen.size).toBe(200);
  });

  it('space samples so that the top rate keeps timestamps behind the clock', () => {
    expect(sampleStepMs(60_000, 1500)).toBe(25); // 40 Hz an athlete
    expect(sampleStepMs(2000, 10)).toBe(5);
    expect(sampleStepMs(100_000, 10)).toBe(1);
  });

  it("send one sample per athlete a second, stamped with the gateway's clock", () => {
    const batch = liveBatch(gateway, 3, 5_000_000);
    expect(batch.msgId).toBe('gw-1:3');
    const parsed = sampleBatch.parse(JSON.parse(batch.body));
    expect(parsed.sentAt).toBe(5_000_000);
    expect(parsed.samples.map((s) => [s.deviceId, s.ts])).toEqual([
      ['a', 5_000_000],
      ['b', 5_000_000],
      ['c', 5_000_000],
    ]);
  });
});
