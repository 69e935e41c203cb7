// Heart-rate zones (DOMAIN.md): zone 0 lies below zone 1; zones 1..5 start at
// five thresholds, each a percentage of max HR or of heart-rate reserve.
import { zonePercentages, type ZoneModel } from '#contracts';

export const PERCENT_MAX_ZONES: readonly number[] = [50, 60, 70, 80, 90];
export const FIVE_ZONE_84_ZONES: readonly number[] = [50, 61, 71, 84, 92];

export type ZoneThresholdInput = {
  model: ZoneModel;
  maxHr: number;
  restingHr?: number | null;
  customPercentages?: readonly number[] | null;
};

/** The given percentages of max HR, in whole bpm. */
function percentOfMax(maxHr: number, percentages: readonly number[]): number[] {
  return percentages.map((percent) => Math.round((maxHr * percent) / 100));
}

/** Karvonen: the given percentages of the reserve above resting HR, in whole bpm. */
function percentOfReserve(maxHr: number, restingHr: number, percentages: readonly number[]): number[] {
  return percentages.map((percent) => Math.round(restingHr + ((maxHr - restingHr) * percent) / 100));
}

/**
 * Lower bounds (bpm) of zones 1..5, ascending. Karvonen without a resting HR
 * below max, or custom without five valid percentages, falls back to percent-max.
 */
export function zoneThresholdsFor({
  model,
  maxHr,
  restingHr,
  customPercentages,
}: ZoneThresholdInput): number[] {
  switch (model) {
    case 'five-zone-84':
      return percentOfMax(maxHr, FIVE_ZONE_84_ZONES);
    case 'karvonen':
      return restingHr != null && restingHr > 0 && restingHr < maxHr
        ? percentOfReserve(maxHr, restingHr, PERCENT_MAX_ZONES)
        : percentOfMax(maxHr, PERCENT_MAX_ZONES);
    case 'custom': {
      const parsed = zonePercentages.safeParse(customPercentages);
      return percentOfMax(maxHr, parsed.success ? parsed.data : PERCENT_MAX_ZONES);
    }
    case 'percent-max':
      return percentOfMax(maxHr, PERCENT_MAX_ZONES);
  }
}

/** 0 below the first threshold, else the highest zone (1..5) whose lower bound `bpm` reaches. */
export function zoneOf(bpm: number, zoneThresholds: readonly number[]): number {
  let zone = 0;
  for (const [index, threshold] of zoneThresholds.entries()) {
    if (bpm >= threshold) zone = index + 1;
  }
  return zone;
}

/** Percent of max HR, rounded to one decimal. */
export function pctMaxOf(bpm: number, maxHr: number): number {
  return maxHr > 0 ? Math.round((bpm * 1000) / maxHr) / 10 : 0;
}
