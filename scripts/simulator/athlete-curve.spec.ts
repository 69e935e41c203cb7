import { describe, expect, it } from '@jest/globals';
import { gatewayStatus, sampleBatch } from '#contracts';
import { AthleteCurve, classLengthS, type AthleteStep, type ClassPlan } from './athlete-curve.js';
import { GatewayModel, deviceIdFor } from './gateway-model.js';

// Ten minutes: 30 s resting, 90 s warm-up, 3 x (60 s work, 60 s recovery), 120 s cool-down.
const tenMinutes: ClassPlan = {
  restingS: 30,
  warmupS: 90,
  workS: 60,
  recoveryS: 60,
  rounds: 3,
  cooldownS: 120,
};

function run(seed: number, index: number, seconds = classLengthS(tenMinutes)): AthleteStep[] {
  const curve = new AthleteCurve({ seed, index, plan: tenMinutes });
  return Array.from({ length: seconds }, () => curve.step(1));
}

/** Twelve athletes through the ten-minute class. */
const room = Array.from({ length: 12 }, (_, index) => run(7, index));
const allSteps = room.flat();
const average = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('AthleteCurve', () => {
  it('draws the same curve from the same seed, and another from another seed', () => {
    expect(run(42, 3)).toEqual(run(42, 3));
    expect(run(43, 3)).not.toEqual(run(42, 3));
    expect(run(42, 4)).not.toEqual(run(42, 3));
  });

  it('keeps heart rate within 40..220 and starts at rest', () => {
    const outOfRange = allSteps.filter(
      ({ heartBpm, reading }) =>
        heartBpm < 40 ||
        heartBpm > 220 ||
        (reading?.contact === true && (reading.bpm < 40 || reading.bpm > 220)),
    );
    expect(outOfRange).toEqual([]);
    for (const steps of room) {
      const start = average(steps.slice(0, 20).map((step) => step.heartBpm));
      expect(start).toBeGreaterThan(60);
      expect(start).toBeLessThan(85);
    }
  });

  it('is higher in work intervals than in recovery, and peaks near 85-95 % of max', () => {
    for (let index = 0; index < room.length; index++) {
      const steps = room[index] ?? [];
      const inPhase = (phase: string) =>
        steps.filter((step) => step.phase.phase === phase).map((step) => step.heartBpm);
      expect(average(inPhase('work'))).toBeGreaterThan(average(inPhase('recovery')) + 5);
      expect(average(inPhase('warmup'))).toBeLessThan(average(inPhase('work')));

      const { maxHr } = new AthleteCurve({ seed: 7, index, plan: tenMinutes }).profile;
      const endOfWork = steps.filter((step) => step.phase.phase === 'work' && step.phase.progress > 0.9);
      const pct = average(endOfWork.map((step) => step.heartBpm)) / maxHr;
      expect(pct).toBeGreaterThan(0.82);
      expect(pct).toBeLessThan(0.98);
    }
  });

  it('sends 1 to 3 RR intervals consistent with bpm', () => {
    const readings = allSteps.flatMap((step) => (step.reading?.contact ? [step.reading] : []));
    expect(readings.length).toBeGreaterThan(7000);
    const inconsistent = readings.filter(
      ({ bpm, rrMs }) =>
        rrMs.length < 1 ||
        rrMs.length > 3 ||
        rrMs.some((rr) => Math.abs(rr - 60000 / bpm) / (60000 / bpm) > 0.1),
    );
    expect(inconsistent).toEqual([]);
  });

  it('drains the battery and never charges it', () => {
    for (const steps of room) {
      const levels = steps.flatMap((step) => (step.reading === null ? [] : [step.reading.battery]));
      expect(levels.filter((level, i) => level > (levels[i - 1] ?? level))).toEqual([]);
    }
    const long = run(7, 0, 4 * 3600);
    const first = long.find((step) => step.reading !== null)?.reading?.battery ?? 0;
    const last = long.findLast((step) => step.reading !== null)?.reading?.battery ?? 100;
    expect(last).toBeLessThan(first);
  });

  it('drops out now and then, but rarely', () => {
    const silent = allSteps.filter((step) => step.reading === null).length;
    const noContact = allSteps.filter((step) => step.reading?.contact === false).length;
    const long = Array.from({ length: 12 }, (_, index) => run(11, index, 3600)).flat();
    const dropouts = long.filter((step) => step.reading === null || !step.reading.contact);
    expect(dropouts.some((step) => step.reading === null)).toBe(true);
    expect(dropouts.some((step) => step.reading?.contact === false && step.reading.bpm === 0)).toBe(true);
    expect(dropouts.length / long.length).toBeLessThan(0.03);
    expect((silent + noContact) / allSteps.length).toBeLessThan(0.03);
  });

  it('keeps rssi wandering around -60', () => {
    const rssi = allSteps.flatMap((step) => (step.reading === null ? [] : [step.reading.rssi]));
    expect(Math.abs(average(rssi) + 60)).toBeLessThan(5);
    expect(Math.min(...rssi)).toBeGreaterThanOrEqual(-95);
    expect(Math.max(...rssi)).toBeLessThanOrEqual(-35);
  });
});

describe('GatewayModel', () => {
  it('builds batches for 12 athletes over 10 minutes that all parse as sample batches', () => {
    const model = new GatewayModel({
      gatewayId: 'gw-1',
      athletes: 12,
      seed: 7,
      plan: tenMinutes,
      firstSeq: 100,
    });
    const start = Date.parse('2026-11-26T10:00:00.000Z');
    const seqs: number[] = [];
    for (let second = 1; second <= 600; second++) {
      const batches = model.tick(start + second * 1000);
      for (const batch of batches) {
        const parsed = sampleBatch.parse(batch);
        seqs.push(parsed.seq);
        for (const sample of parsed.samples) expect(sample.ts).toBeLessThanOrEqual(parsed.sentAt);
      }
    }
    expect(seqs.length).toBeGreaterThan(590);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 100 + i));
    const status = gatewayStatus.parse(model.status(start + 600_000));
    expect(status.devices.map((device) => device.deviceId)).toEqual(model.deviceIds());
  });

  it('gives each athlete a stable ANT+ device id', () => {
    const ids = new GatewayModel({ gatewayId: 'gw-1', athletes: 12 }).deviceIds();
    expect(new Set(ids).size).toBe(12);
    for (const id of ids) expect(id).toMatch(/^ant:120:\d{5}$/);
    expect(ids[3]).toBe(deviceIdFor('gw-1', 3));
    expect(new GatewayModel({ gatewayId: 'gw-1', athletes: 5, seed: 99 }).deviceIds()).toEqual(
      ids.slice(0, 5),
    );
  });
});
