// When a throughput step counts as sustained: the generator kept the rate, the
// backlog stopped growing, and history then holds every sample exactly once.
// Pure, so the rule is tested apart from the clock.

export interface BacklogPoint {
  /** Since the hold began. */
  atMs: number;
  /** Samples waiting anywhere in the pipeline (ingest's consumer and the projection). */
  samples: number;
}

export interface StepMeasure {
  targetPerS: number;
  publishedPerS: number;
  backlog: readonly BacklogPoint[];
  published: number;
  stored: number;
  distinct: number;
}

export interface StepRule {
  /** Growth of the backlog allowed over the second half of the hold, as a fraction of the rate. */
  tolerance: number;
  /** The generator must reach this fraction of the target rate. */
  minPublishedFraction: number;
  /**
   * Growth that adds up to less than this many seconds of samples over the
   * second half is the sawtooth of what is in flight (a fetch, a projection
   * batch) seen through a few points, not a queue building up.
   */
  inFlightS: number;
}

export const DEFAULT_RULE: StepRule = { tolerance: 0.02, minPublishedFraction: 0.95, inFlightS: 1 };

export interface StepVerdict {
  sustained: boolean;
  /** Least-squares slope of the backlog over the second half of the hold, samples/s. */
  growthPerS: number;
  reasons: string[];
}

/** Least-squares slope of samples over time, per second; 0 with fewer than two points. */
export function slopePerS(points: readonly BacklogPoint[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const meanT = points.reduce((sum, p) => sum + p.atMs, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.samples, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.atMs - meanT) * (p.samples - meanY);
    den += (p.atMs - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1000;
}

/** The points of the second half of the hold (the first half lets queues settle). */
export function secondHalf(points: readonly BacklogPoint[]): BacklogPoint[] {
  if (points.length === 0) return [];
  const first = points[0]?.atMs ?? 0;
  const last = points[points.length - 1]?.atMs ?? 0;
  const middle = first + (last - first) / 2;
  return points.filter((p) => p.atMs >= middle);
}

export function judgeStep(measure: StepMeasure, rule: StepRule = DEFAULT_RULE): StepVerdict {
  const half = secondHalf(measure.backlog);
  const growthPerS = Math.round(slopePerS(half));
  const halfS = ((half[half.length - 1]?.atMs ?? 0) - (half[0]?.atMs ?? 0)) / 1000;
  const queued = growthPerS * halfS > measure.targetPerS * rule.inFlightS;
  const reasons: string[] = [];
  if (measure.publishedPerS < measure.targetPerS * rule.minPublishedFraction) {
    reasons.push(`published ${Math.round(measure.publishedPerS)}/s of ${measure.targetPerS}/s`);
  }
  if (queued && growthPerS > measure.targetPerS * rule.tolerance) {
    reasons.push(`backlog grew ${growthPerS} samples/s over the second half of the hold`);
  }
  if (measure.stored !== measure.published) {
    reasons.push(`history holds ${measure.stored} samples of ${measure.published} published`);
  }
  if (measure.distinct !== measure.stored) {
    reasons.push(`${measure.stored - measure.distinct} duplicate samples in history`);
  }
  return { sustained: reasons.length === 0, growthPerS, reasons };
}

/** The rates of the steps: from `start` by `step` up to `max` inclusive. */
export function stepRates(start: number, step: number, max: number): number[] {
  const rates: number[] = [];
  for (let rate = start; rate <= max; rate += step) rates.push(rate);
  return rates;
}
