// Heart-rate zones (docs/domain.md): zone 0 lies below zone 1; zones 1..5 start at
// five thresholds, each a percentage of max HR or of heart-rate reserve.
import { zonePercentages, type ZoneModel, type ZoneRule } from '#contracts';

export const PERCENT_MAX_ZONES: readonly number[] = [50, 60, 70, 80, 90];
export const FIVE_ZONE_84_ZONES: readonly number[] = [50, 61, 71, 84, 92];

export type ZoneThresholdInput = {
  model: ZoneModel;
  maxHr: number;
  restingHr?: number | null;
  customPercentages?: readonly number[] | null;
};

/** The model's percentages and what they are percentages of, for one athlete. */
export function zoneRuleFor({
  model,
  maxHr,
  restingHr,
  customPercentages,
}: Omit<ZoneThresholdInput, 'maxHr'> & { maxHr: number }): ZoneRule {
  switch (model) {
    case 'five-zone-84':
      return { basis: 'max', percentages: [...FIVE_ZONE_84_ZONES] };
    case 'karvonen':
      // Karvonen without a resting HR below max falls back to percent-max.
      return {
        basis: restingHr != null && restingHr > 0 && restingHr < maxHr ? 'reserve' : 'max',
        percentages: [...PERCENT_MAX_ZONES],
      };
    case 'custom': {
      // Custom without five valid percentages falls back to percent-max.
      const parsed = zonePercentages.safeParse(customPercentages);
      return { basis: 'max', percentages: parsed.success ? parsed.data : [...PERCENT_MAX_ZONES] };
    }
    case 'percent-max':
      return { basis: 'max', percentages: [...PERCENT_MAX_ZONES] };
  }
}

/**
 * Lower bounds (bpm) of zones 1..5 under a rule: percentages of max HR, or of
 * the reserve above resting HR (a reserve rule without a usable resting HR
 * counts from zero, i.e. of max HR).
 */
export function thresholdsOf(rule: ZoneRule, maxHr: number, restingHr?: number | null): number[] {
  const rest = rule.basis === 'reserve' && restingHr != null && restingHr < maxHr ? restingHr : 0;
  return rule.percentages.map((percent) => Math.round(rest + ((maxHr - rest) * percent) / 100));
}

/** Lower bounds (bpm) of zones 1..5, ascending, under the studio's model. */
export function zoneThresholdsFor(input: ZoneThresholdInput): number[] {
  return thresholdsOf(zoneRuleFor(input), input.maxHr, input.restingHr);
}

/** 0 below the first threshold, else the highest zone (1..5) whose lower bound `bpm` reaches. */
export function zoneOf(bpm: number, zoneThresholds: readonly number[]): number {
  // An indexed loop: this runs for every sample of every class summary.
  let zone = 0;
  for (let index = 0; index < zoneThresholds.length; index++) {
    if (bpm >= (zoneThresholds[index] ?? Infinity)) zone = index + 1;
  }
  return zone;
}

/** Percent of max HR, rounded to one decimal. */
export function pctMaxOf(bpm: number, maxHr: number): number {
  return maxHr > 0 ? Math.round((bpm * 1000) / maxHr) / 10 : 0;
}
