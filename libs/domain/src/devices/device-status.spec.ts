import { describe, expect, it } from '@jest/globals';
import { merge, observe, writeDecision, type DeviceSighting, type Observation } from './device-status.js';

const strap = { studioId: 'st_1', deviceId: 'ant:120:54321', gatewayId: 'gw-1' };
const sighting = (fields: Partial<DeviceSighting> = {}): DeviceSighting => ({
  ...strap,
  lastSeen: 10_000,
  battery: 80,
  rssi: -60,
  ...fields,
});
const observation = (fields: Partial<Observation> = {}): Observation => ({
  ...strap,
  seenAt: 10_000,
  ...fields,
});

describe('observe', () => {
  it('starts from the first observation, with null for what it does not say', () => {
    expect(observe(null, observation({ battery: 80 }), 20_000)).toEqual(
      sighting({ battery: 80, rssi: null }),
    );
  });

  it('never places a sighting after ingest received it (a gateway clock ahead of ours)', () => {
    expect(observe(null, observation({ seenAt: 99_000 }), 20_000).lastSeen).toBe(20_000);
  });

  it('takes newer news and keeps the battery level when the newer says none', () => {
    const next = observe(sighting(), observation({ seenAt: 11_000, rssi: -70, gatewayId: 'gw-2' }), 20_000);
    expect(next).toEqual(sighting({ lastSeen: 11_000, rssi: -70, gatewayId: 'gw-2', battery: 80 }));
  });

  it('lets older news change nothing it already knows', () => {
    const current = sighting({ lastSeen: 12_000, battery: 70 });
    expect(observe(current, observation({ seenAt: 11_000, battery: 90 }), 20_000)).toEqual(current);
  });
});

describe('merge', () => {
  it('is the newer sighting, whichever side it is on, filled in from the older', () => {
    const older = sighting({ lastSeen: 1000, battery: 50, rssi: -40 });
    const newer = sighting({ lastSeen: 2000, battery: null, rssi: -80, gatewayId: 'gw-2' });
    const expected = sighting({ lastSeen: 2000, battery: 50, rssi: -80, gatewayId: 'gw-2' });
    expect(merge(older, newer)).toEqual(expected);
    expect(merge(newer, older)).toEqual(expected);
  });
});

describe('writeDecision', () => {
  const interval = 5000;
  const written = { sighting: sighting(), at: 50_000 };

  it('writes a first sighting at once', () => {
    expect(writeDecision(null, sighting(), 50_000, interval)).toBe('now');
  });

  it('writes nothing when nothing changed', () => {
    expect(writeDecision(written, sighting(), 90_000, interval)).toBe('nothing');
  });

  it('writes a change of battery at once', () => {
    expect(writeDecision(written, sighting({ lastSeen: 10_500, battery: 79 }), 50_100, interval)).toBe('now');
  });

  it('holds a newer last seen or RSSI until the interval has passed since the last write', () => {
    const next = sighting({ lastSeen: 11_000, rssi: -65 });
    expect(writeDecision(written, next, 50_000 + interval - 1, interval)).toBe('later');
    expect(writeDecision(written, next, 50_000 + interval, interval)).toBe('now');
  });

  it('holds a change of gateway like any other news (two gateways may hear one strap in turn)', () => {
    expect(writeDecision(written, sighting({ gatewayId: 'gw-2' }), 50_001, interval)).toBe('later');
  });
});
