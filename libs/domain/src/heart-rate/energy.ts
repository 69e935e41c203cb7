// Energy expenditure from heart rate: Keytel et al. 2005, J Sports Sci 23(3):
// 289–297, the equations without VO2max. kJ/min divided by 4.184 gives kcal/min.
import type { Sex } from '#contracts';

export type EnergyInput = { bpm: number; weightKg: number | null; age: number | null; sex: Sex };

const KJ_PER_KCAL = 4.184;

function maleKcalPerMinute(bpm: number, weightKg: number, age: number): number {
  return (-55.0969 + 0.6309 * bpm + 0.1988 * weightKg + 0.2017 * age) / KJ_PER_KCAL;
}

function femaleKcalPerMinute(bpm: number, weightKg: number, age: number): number {
  return (-20.4022 + 0.4472 * bpm - 0.1263 * weightKg + 0.074 * age) / KJ_PER_KCAL;
}

/**
 * Kcal per minute at `bpm`; a negative rate counts as 0. Null without a weight
 * or an age: the equation needs both and we report no guesses.
 */
export function kcalPerMinute({ bpm, weightKg, age, sex }: EnergyInput): number | null {
  if (weightKg === null || age === null) return null;
  const male = maleKcalPerMinute(bpm, weightKg, age);
  const female = femaleKcalPerMinute(bpm, weightKg, age);
  const rate = sex === 'male' ? male : sex === 'female' ? female : (male + female) / 2;
  return Math.max(0, rate);
}
