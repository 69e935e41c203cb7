import { describe, expect, it } from '@jest/globals';
import { ageAt, DEFAULT_MAX_HR, maxHrFor } from './max-hr.js';

const classIn2025 = Date.UTC(2025, 5, 2, 18, 0);
const bornIn = (age: number) => 2025 - age;

describe('ageAt', () => {
  it('is the age the athlete turns in the year of the class', () => {
    expect(ageAt(1985, classIn2025)).toBe(40);
    expect(ageAt(1985, Date.UTC(2025, 0, 1))).toBe(40);
  });

  it('takes the age at the class date, not today', () => {
    expect(ageAt(1990, Date.UTC(2020, 2, 1))).toBe(30);
  });

  it('is null for a birth year after the class or an implausible age', () => {
    expect(ageAt(2026, classIn2025)).toBeNull();
    expect(ageAt(1894, classIn2025)).toBeNull(); // 131
    expect(ageAt(1895, classIn2025)).toBe(130);
  });
});

describe('maxHrFor', () => {
  const athlete = { sex: 'male', formula: 'tanaka', at: classIn2025 } as const;

  it("takes the athlete's own max HR first", () => {
    expect(maxHrFor({ ...athlete, maxHrOverride: 193, birthYear: bornIn(40) })).toEqual({
      maxHr: 193,
      assumed: false,
      source: 'override',
    });
  });

  it('tanaka (default): age 40 → 208 − 0.7·40 = 208 − 28 = 180', () => {
    expect(maxHrFor({ ...athlete, birthYear: bornIn(40) })).toEqual({
      maxHr: 180,
      assumed: false,
      source: 'formula',
    });
  });

  it('rounds to whole bpm: tanaka age 35 → 208 − 24.5 = 183.5 → 184', () => {
    expect(maxHrFor({ ...athlete, birthYear: bornIn(35) }).maxHr).toBe(184);
  });

  it('fox: age 40 → 220 − 40 = 180; age 30 → 190', () => {
    expect(maxHrFor({ ...athlete, formula: 'fox', birthYear: bornIn(40) }).maxHr).toBe(180);
    expect(maxHrFor({ ...athlete, formula: 'fox', birthYear: bornIn(30) }).maxHr).toBe(190);
  });

  it('gulati for women: age 40 → 206 − 0.88·40 = 206 − 35.2 = 170.8 → 171', () => {
    expect(maxHrFor({ ...athlete, sex: 'female', formula: 'gulati', birthYear: bornIn(40) }).maxHr).toBe(171);
  });

  it('gulati for men and unspecified falls back to tanaka: age 40 → 180', () => {
    expect(maxHrFor({ ...athlete, sex: 'male', formula: 'gulati', birthYear: bornIn(40) }).maxHr).toBe(180);
    expect(maxHrFor({ ...athlete, sex: 'unspecified', formula: 'gulati', birthYear: bornIn(40) }).maxHr).toBe(
      180,
    );
  });

  it('hunt: age 40 → 211 − 0.64·40 = 211 − 25.6 = 185.4 → 185; age 50 → 211 − 32 = 179', () => {
    expect(maxHrFor({ ...athlete, formula: 'hunt', birthYear: bornIn(40) }).maxHr).toBe(185);
    expect(maxHrFor({ ...athlete, formula: 'hunt', birthYear: bornIn(50) }).maxHr).toBe(179);
  });

  it('uses the age at the class date: born 1990, class in 2020 → age 30 → 208 − 21 = 187', () => {
    expect(maxHrFor({ ...athlete, birthYear: 1990, at: Date.UTC(2020, 2, 1) }).maxHr).toBe(187);
  });

  it('assumes 185 without an override or a usable age', () => {
    const assumed = { maxHr: DEFAULT_MAX_HR, assumed: true, source: 'default' };
    expect(DEFAULT_MAX_HR).toBe(185);
    expect(maxHrFor(athlete)).toEqual(assumed);
    expect(maxHrFor({ ...athlete, birthYear: null, maxHrOverride: null })).toEqual(assumed);
    expect(maxHrFor({ ...athlete, birthYear: 2030 })).toEqual(assumed);
  });
});
