// The startup scenario's figures from its measured starts: medians of each
// service on each log, ratios of the written log to the empty one, and each
// target met or not (issue 14). Pure, so the verdicts are tested.
import type { LogSide, MeasuredStart, StartupService } from './startup-starts.js';
import { median, percentile } from './stats.js';

export const STARTUP_TARGETS = {
  /** Time to ready on the year's log, in times that on an empty log. */
  readyRatio: 1.2,
  /** Resident memory once ready, same. */
  rssRatio: 1.1,
  /** Every start, either log. */
  readyMs: 3000,
  /** A screen's snapshot of an ended class of last month, median. */
  snapshotMs: 500,
} as const;

export interface SideFigures {
  starts: number;
  readyMedianMs: number;
  readyMaxMs: number;
  rssMedianMb: number;
  peakMedianMb: number;
  settledRssMedianMb: number;
}

export interface ServiceFigures {
  service: StartupService;
  empty: SideFigures;
  year: SideFigures;
  /** The year's log / the empty log, by medians. */
  ratios: { ready: number; rss: number; settledRss: number };
  met: { ready: boolean; rss: boolean; within: boolean };
  starts: MeasuredStart[];
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

function sideFigures(starts: readonly MeasuredStart[]): SideFigures {
  const of = (pick: (start: MeasuredStart) => number) => starts.map(pick);
  return {
    starts: starts.length,
    readyMedianMs: Math.round(median(of((start) => start.readyMs))),
    readyMaxMs: Math.max(...of((start) => start.readyMs)),
    rssMedianMb: round(median(of((start) => start.rssMb)), 1),
    peakMedianMb: round(median(of((start) => start.peakMb)), 1),
    settledRssMedianMb: round(median(of((start) => start.settledRssMb)), 1),
  };
}

export function serviceFigures(service: StartupService, starts: readonly MeasuredStart[]): ServiceFigures {
  const empty = sideFigures(starts.filter((start) => start.side === 'empty'));
  const year = sideFigures(starts.filter((start) => start.side === 'year'));
  const ratios = {
    ready: round(year.readyMedianMs / empty.readyMedianMs, 2),
    rss: round(year.rssMedianMb / empty.rssMedianMb, 2),
    settledRss: round(year.settledRssMedianMb / empty.settledRssMedianMb, 2),
  };
  return {
    service,
    empty,
    year,
    ratios,
    met: {
      ready: ratios.ready <= STARTUP_TARGETS.readyRatio,
      // Memory a service takes on once it said ready counts too (a reader still catching up).
      rss: Math.max(ratios.rss, ratios.settledRss) <= STARTUP_TARGETS.rssRatio,
      within: Math.max(empty.readyMaxMs, year.readyMaxMs) <= STARTUP_TARGETS.readyMs,
    },
    starts: [...starts],
  };
}

export interface SnapshotFigures {
  classes: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  met: boolean;
}

export function snapshotFigures(timingsMs: readonly number[]): SnapshotFigures {
  const medianMs = round(median(timingsMs), 1);
  return {
    classes: timingsMs.length,
    medianMs,
    p95Ms: round(percentile(timingsMs, 95), 1),
    maxMs: round(Math.max(...timingsMs), 1),
    met: medianMs < STARTUP_TARGETS.snapshotMs,
  };
}

/** Which log each start of a repetition goes to: empty first on even repetitions, written first on odd ones. */
export const sidesOf = (repetition: number): LogSide[] =>
  repetition % 2 === 0 ? ['empty', 'year'] : ['year', 'empty'];
