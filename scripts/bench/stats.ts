// Figures of a series of timings: medians and p95 (nearest rank), and a
// ratio of medians against a baseline timed in the same run.

export interface Timing {
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

/** Nearest-rank percentile (p in 0..100) of values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** The median: the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

const round = (value: number, decimals = 2) => Math.round(value * 10 ** decimals) / 10 ** decimals;

export function timing(samplesMs: readonly number[]): Timing {
  return {
    runs: samplesMs.length,
    medianMs: round(median(samplesMs)),
    p95Ms: round(percentile(samplesMs, 95)),
    minMs: round(Math.min(...samplesMs)),
    maxMs: round(Math.max(...samplesMs)),
  };
}

/** How many baselines one call costs, by medians. */
export function ratio(subject: Timing, baseline: Timing): number {
  return round(subject.medianMs / baseline.medianMs, 1);
}

/** Tail figures of a delay distribution (ms, nearest rank, whole ms). */
export interface DelaySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  samples: number;
}

export function delaySummary(delaysMs: readonly number[]): DelaySummary {
  const sorted = [...delaysMs].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length === 0
      ? Number.NaN
      : Math.round(
          sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] ?? NaN,
        );
  return { p50: at(50), p95: at(95), p99: at(99), max: at(100), samples: sorted.length };
}

/** `part / whole` to three decimals; null when either is not a positive number. */
export function fraction(part: number, whole: number): number | null {
  if (!(part >= 0) || !(whole > 0)) return null;
  return Math.round((part / whole) * 1000) / 1000;
}
