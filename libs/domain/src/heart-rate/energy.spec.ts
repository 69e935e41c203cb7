import { describe, expect, it } from '@jest/globals';
import { kcalPerMinute } from './energy.js';

describe('kcalPerMinute (Keytel 2005)', () => {
  const athlete = { bpm: 150, weightKg: 80, age: 35 };

  it('male, HR 150, 80 kg, 35 y → (−55.0969 + 94.635 + 15.904 + 7.0595) / 4.184 = 62.5016 / 4.184 ≈ 14.938', () => {
    expect(kcalPerMinute({ ...athlete, sex: 'male' })).toBeCloseTo(14.938, 3);
  });

  it('female, HR 150, 80 kg, 35 y → (−20.4022 + 67.08 − 10.104 + 2.59) / 4.184 = 39.1638 / 4.184 ≈ 9.360', () => {
    expect(kcalPerMinute({ ...athlete, sex: 'female' })).toBeCloseTo(9.36, 3);
  });

  it('unspecified is the mean of the two: (14.938 + 9.360) / 2 ≈ 12.149', () => {
    expect(kcalPerMinute({ ...athlete, sex: 'unspecified' })).toBeCloseTo(12.149, 3);
  });

  it('counts a negative rate as 0: female, HR 60, 100 kg, 20 y → (−20.4022 + 26.832 − 12.63 + 1.48) / 4.184 < 0', () => {
    expect(kcalPerMinute({ bpm: 60, weightKg: 100, age: 20, sex: 'female' })).toBe(0);
  });

  it('is null without a weight or an age, not a guess', () => {
    expect(kcalPerMinute({ ...athlete, weightKg: null, sex: 'male' })).toBeNull();
    expect(kcalPerMinute({ ...athlete, age: null, sex: 'male' })).toBeNull();
  });
});
