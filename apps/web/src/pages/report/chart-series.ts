// An athlete's heart-rate points as the chart draws them: seconds since the
// class started, with a break where the strap went silent, and the ranges of
// both axes. No DOM, so it is specified in Jest.
import type { HeartRatePoints } from './load-report.js';

/** A silence longer than this is a lost strap (as the summary counts it): the line breaks there. */
const gapMs = 10_000;

export interface ChartSeries {
  /** Seconds since the class started; null bpm breaks the line. */
  seconds: number[];
  bpm: (number | null)[];
  /** Points that carry a reading (what is drawn). */
  drawn: number;
}

/** The points as uPlot's aligned columns, with a break wherever the strap went silent. */
export function chartSeries(points: HeartRatePoints, classStart: number, bucketMs: number): ChartSeries {
  const seconds: number[] = [];
  const bpm: (number | null)[] = [];
  let previous: number | null = null;
  for (const point of points) {
    if (point.bpm <= 0) continue;
    if (previous !== null && point.t - previous > bucketMs + gapMs) {
      seconds.push((previous + point.t) / 2 / 1000 - classStart / 1000);
      bpm.push(null);
    }
    seconds.push((point.t - classStart) / 1000);
    bpm.push(point.bpm);
    previous = point.t;
  }
  return { seconds, bpm, drawn: bpm.filter((value) => value !== null).length };
}

/** From the class's start (or an earlier sample) to its end (or a later sample). */
export function secondsRange(all: ChartSeries[], classLengthSeconds: number): [number, number] {
  const times = all.flatMap((series) => series.seconds);
  const first = Math.min(0, ...times);
  const last = Math.max(classLengthSeconds, ...times);
  return [first, last > first ? last : first + 60];
}

/** The y range: all of the zones and all of the curve, with a little air. */
export function bpmRange(series: ChartSeries, thresholds: number[], maxHr: number): [number, number] {
  const readings = series.bpm.filter((value): value is number => value !== null);
  const low = Math.min(...readings, (thresholds[0] ?? maxHr * 0.5) - 10);
  const high = Math.max(...readings, maxHr);
  return [Math.max(0, Math.floor((low - 5) / 10) * 10), Math.ceil((high + 5) / 10) * 10];
}
