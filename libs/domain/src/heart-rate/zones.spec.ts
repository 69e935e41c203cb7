import { describe, expect, it } from '@jest/globals';
import { pctMaxOf, zoneOf, zoneThresholdsFor } from './zones.js';

describe('zoneThresholdsFor', () => {
  it('percent-max: 50/60/70/80/90 % of 180 → 90, 108, 126, 144, 162', () => {
    expect(zoneThresholdsFor({ model: 'percent-max', maxHr: 180 })).toEqual([90, 108, 126, 144, 162]);
  });

  it('five-zone-84: 50/61/71/84/92 % of 180 → 90, 109.8, 127.8, 151.2, 165.6 → 90, 110, 128, 151, 166', () => {
    expect(zoneThresholdsFor({ model: 'five-zone-84', maxHr: 180 })).toEqual([90, 110, 128, 151, 166]);
  });

  it('karvonen: rest 60, max 180, reserve 120 → 60 + 60, 72, 84, 96, 108 → 120, 132, 144, 156, 168', () => {
    expect(zoneThresholdsFor({ model: 'karvonen', maxHr: 180, restingHr: 60 })).toEqual([
      120, 132, 144, 156, 168,
    ]);
  });

  it('karvonen without a usable resting HR falls back to percent-max', () => {
    const percentMax = [90, 108, 126, 144, 162];
    expect(zoneThresholdsFor({ model: 'karvonen', maxHr: 180 })).toEqual(percentMax);
    expect(zoneThresholdsFor({ model: 'karvonen', maxHr: 180, restingHr: null })).toEqual(percentMax);
    expect(zoneThresholdsFor({ model: 'karvonen', maxHr: 180, restingHr: 180 })).toEqual(percentMax);
  });

  it("custom: the studio's 55/65/75/85/95 % of 200 → 110, 130, 150, 170, 190", () => {
    const customPercentages = [55, 65, 75, 85, 95];
    expect(zoneThresholdsFor({ model: 'custom', maxHr: 200, customPercentages })).toEqual([
      110, 130, 150, 170, 190,
    ]);
  });

  it('custom without five ascending percentages falls back to percent-max', () => {
    const percentMax = [100, 120, 140, 160, 180];
    expect(zoneThresholdsFor({ model: 'custom', maxHr: 200 })).toEqual(percentMax);
    expect(zoneThresholdsFor({ model: 'custom', maxHr: 200, customPercentages: [55, 65, 75, 85] })).toEqual(
      percentMax,
    );
    expect(
      zoneThresholdsFor({ model: 'custom', maxHr: 200, customPercentages: [55, 75, 65, 85, 95] }),
    ).toEqual(percentMax);
  });
});

describe('zoneOf', () => {
  const zoneThresholds = [90, 108, 126, 144, 162];

  it('is 0 below the first threshold', () => {
    expect(zoneOf(0, zoneThresholds)).toBe(0);
    expect(zoneOf(89, zoneThresholds)).toBe(0);
  });

  it('counts a threshold as the start of its zone', () => {
    expect(zoneOf(90, zoneThresholds)).toBe(1);
    expect(zoneOf(107, zoneThresholds)).toBe(1);
    expect(zoneOf(108, zoneThresholds)).toBe(2);
    expect(zoneOf(143, zoneThresholds)).toBe(3);
    expect(zoneOf(161, zoneThresholds)).toBe(4);
    expect(zoneOf(162, zoneThresholds)).toBe(5);
  });

  it('stays 5 above max', () => {
    expect(zoneOf(220, zoneThresholds)).toBe(5);
  });
});

describe('pctMaxOf', () => {
  it('is rounded to one decimal: 150 / 180 = 83.33 % → 83.3; 151 / 180 = 83.89 % → 83.9', () => {
    expect(pctMaxOf(150, 180)).toBe(83.3);
    expect(pctMaxOf(151, 180)).toBe(83.9);
    expect(pctMaxOf(90, 180)).toBe(50);
  });

  it('is 0 for no beat or no max', () => {
    expect(pctMaxOf(0, 180)).toBe(0);
    expect(pctMaxOf(120, 0)).toBe(0);
  });
});
