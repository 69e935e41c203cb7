import { describe, expect, it } from '@jest/globals';
import { classPhaseAt, defaultClassPlan, warmupLengthS, withWarmup } from './athlete-curve.js';
import { GatewayModel, type GatewaySnapshot } from './gateway-model.js';
import { describeProgress, describeStart, describeStop, formatClock, zoneMix } from './report.js';

const stats = { batches: 83, samples: 664, statuses: 16, lastSeq: 83 };

function snapshotOf(straps: GatewaySnapshot['straps'], elapsedS = 35): GatewaySnapshot {
  return { elapsedS, phase: classPhaseAt(defaultClassPlan, elapsedS), straps };
}

describe('what the simulator prints', () => {
  it('says where it publishes, which straps it sends and what the class will do', () => {
    const lines = describeStart({
      studioId: 'st_1',
      gatewayId: 'gw-2',
      nats: 'nats://127.0.0.1:14222',
      natsSource: { kind: 'stack', file: '.data/ports.json' },
      deviceIds: ['ant:120:54321', 'ant:120:54322'],
      tickMs: 1000,
      plan: withWarmup(defaultClassPlan, 10),
      durationS: undefined,
    });
    expect(lines[0]).toBe(
      "Simulated gateway gw-2 of studio st_1, publishing to nats://127.0.0.1:14222 (the stack's, from .data/ports.json)",
    );
    expect(lines[1]).toBe('  2 straps: ant:120:54321, ant:120:54322');
    expect(lines[2]).toContain('warm-up 10s, then 8 intervals of 1m work and 1m recovery');
    expect(lines.join('\n')).toContain('Ctrl-C stops it');
  });

  it('counts straps by zone of their own max HR, and those without a reading', () => {
    const mix = zoneMix(
      snapshotOf([
        { deviceId: 'a', maxHr: 200, latest: { bpm: 90, contact: true } }, // 45 %: zone 0
        { deviceId: 'b', maxHr: 200, latest: { bpm: 130, contact: true } }, // 65 %: zone 2
        { deviceId: 'c', maxHr: 180, latest: { bpm: 170, contact: true } }, // 94 %: zone 5
        { deviceId: 'd', maxHr: 200, latest: { bpm: 0, contact: false } },
        { deviceId: 'e', maxHr: 200, latest: null },
      ]),
    );
    expect(mix).toEqual({ zones: [1, 0, 1, 0, 0, 1], noContact: 1, silent: 1 });
  });

  it('prints one line a person reads: time, phase, straps heard, rate, total, zone mix', () => {
    const line = describeProgress({
      snapshot: snapshotOf([
        { deviceId: 'a', maxHr: 200, latest: { bpm: 130, contact: true } },
        { deviceId: 'b', maxHr: 200, latest: { bpm: 132, contact: true } },
        { deviceId: 'c', maxHr: 200, latest: null },
      ]),
      plan: defaultClassPlan,
      stats,
      samplesPerS: 2,
    });
    expect(line.trim().replace(/ {2,}/g, ' | ')).toBe(
      '0:35 | resting | 2 of 3 straps heard | 2.0 samples/s | 664 sent | zones: z2 2, 1 silent',
    );
  });

  it('says it stopped, why, and how much it sent', () => {
    expect(describeStop({ kind: 'signal', signal: 'SIGINT' }, stats, 83.4)).toBe(
      'Stopped (Ctrl-C) after 1m23s: 664 samples sent in 83 batches.',
    );
    expect(describeStop({ kind: 'duration' }, stats, 60)).toBe(
      'Stopped (--duration-s reached) after 1m: 664 samples sent in 83 batches.',
    );
    expect(formatClock(3723)).toBe('1:02:03');
  });
});

describe('--warmup', () => {
  it('brings the first interval forward, and the athletes out of zone 0 with it', () => {
    const plan = withWarmup(defaultClassPlan, 10);
    expect(warmupLengthS(defaultClassPlan)).toBe(300);
    expect(warmupLengthS(plan)).toBe(10);
    expect(classPhaseAt(plan, 11).phase).toBe('work');
    expect(classPhaseAt(withWarmup(defaultClassPlan, 0), 0.5).phase).toBe('work');

    const zonesAfter = (seconds: number, warmup = plan) => {
      const model = new GatewayModel({ gatewayId: 'gw-1', athletes: 12, plan: warmup, dropoutPerS: 0 });
      for (let second = 0; second < seconds; second++) model.tick(1_800_000_000_000 + second * 1000);
      return zoneMix(model.snapshot()).zones;
    };
    // A minute in, the short warm-up has everyone working (zone 3 and up); the default still rests in zone 0.
    expect(zonesAfter(60).slice(0, 3)).toEqual([0, 0, 0]);
    expect(zonesAfter(60, defaultClassPlan)[0]).toBe(12);
  });
});
