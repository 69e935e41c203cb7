// Max heart rate (docs/domain.md): the athlete's own value, else the studio's formula
// on the age at the class date, else 185 bpm flagged as an assumption.
import type { MaxHrFormula, Sex } from '#contracts';

/** Used when there is neither an override nor a usable age. */
export const DEFAULT_MAX_HR = 185;

/** The contracts' bound on `age`: anything older is a typo in the birth year. */
const OLDEST_AGE = 130;

export type MaxHrSource = 'override' | 'formula' | 'default';

export type MaxHrEstimate = { maxHr: number; assumed: boolean; source: MaxHrSource };

export type MaxHrInput = {
  maxHrOverride?: number | null;
  birthYear?: number | null;
  sex: Sex;
  formula: MaxHrFormula;
  /** The class date in epoch ms: the age is taken then, so history never shifts. */
  at: number;
};

/**
 * Age in whole years at `atEpochMs` when only the birth year is known: the age
 * the athlete turns that (UTC) year. Null when that is not a plausible age.
 */
export function ageAt(birthYear: number, atEpochMs: number): number | null {
  const age = new Date(atEpochMs).getUTCFullYear() - birthYear;
  return Number.isInteger(age) && age >= 0 && age <= OLDEST_AGE ? age : null;
}

const tanaka = (age: number): number => 208 - 0.7 * age;

const formulas: Record<MaxHrFormula, (age: number, sex: Sex) => number> = {
  fox: (age) => 220 - age,
  tanaka,
  // Gulati et al. studied women only: everyone else keeps the default.
  gulati: (age, sex) => (sex === 'female' ? 206 - 0.88 * age : tanaka(age)),
  hunt: (age) => 211 - 0.64 * age,
};

export function maxHrFor({ maxHrOverride, birthYear, sex, formula, at }: MaxHrInput): MaxHrEstimate {
  if (maxHrOverride != null && maxHrOverride > 0) {
    return { maxHr: Math.round(maxHrOverride), assumed: false, source: 'override' };
  }
  const age = birthYear == null ? null : ageAt(birthYear, at);
  if (age === null) return { maxHr: DEFAULT_MAX_HR, assumed: true, source: 'default' };
  return { maxHr: Math.round(formulas[formula](age, sex)), assumed: false, source: 'formula' };
}
