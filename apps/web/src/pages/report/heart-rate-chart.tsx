// One athlete's heart rate over the class, drawn by uPlot on a canvas, with the
// athlete's zones as coloured bands behind the curve. The x axis is the time
// since the class started, which is what a coach talks about ("at minute 12").
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { clockText, whole } from '../../components/format.js';
import type { HeartRatePoints } from './load-report.js';

/** A silence longer than this is a lost strap (as the summary counts it): the line breaks there. */
const gapMs = 10_000;
const chartHeight = 240;
const bandAlpha = 0.3;

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

function cssColour(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Zones 1..5 as horizontal bands, from each lower bound to the next (zone 5 to the top). */
function zoneBands(thresholds: number[]) {
  return (plot: uPlot) => {
    const { ctx, bbox } = plot;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
    ctx.clip();
    ctx.globalAlpha = bandAlpha;
    thresholds.forEach((lower, index) => {
      const upper = thresholds[index + 1];
      const bottom = plot.valToPos(lower, 'y', true);
      const top = upper === undefined ? bbox.top : plot.valToPos(upper, 'y', true);
      ctx.fillStyle = cssColour(`--zone-${index + 1}`, '#444');
      ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
    });
    ctx.restore();
  };
}

interface ChartRanges {
  /** Seconds since the class started: the same for every athlete, so their curves line up. */
  seconds: [number, number];
  bpm: [number, number];
}

function chartOptions(width: number, ranges: ChartRanges, thresholds: number[]): uPlot.Options {
  const muted = cssColour('--muted', '#9aa3b2');
  const grid = { stroke: 'rgba(255, 255, 255, 0.08)', width: 1 };
  return {
    width,
    height: chartHeight,
    legend: { show: true, live: true },
    cursor: { y: false, points: { size: 8 } },
    scales: { x: { time: false, range: ranges.seconds }, y: { range: ranges.bpm } },
    series: [
      { label: 'time', value: (_plot, seconds) => (seconds === null ? '–' : elapsed(seconds)) },
      {
        label: 'heart rate',
        stroke: cssColour('--text', '#f4f6fa'),
        width: 2,
        spanGaps: false,
        points: { show: false },
        value: (_plot, bpm) => (bpm === null ? '–' : `${whole(bpm)} bpm`),
      },
    ],
    axes: [
      {
        stroke: muted,
        grid,
        ticks: grid,
        space: 70,
        incrs: [15, 30, 60, 120, 300, 600, 900, 1800, 3600],
        values: (_plot, splits) => splits.map(elapsed),
      },
      { stroke: muted, grid, ticks: grid, size: 44, space: 30 },
    ],
    hooks: { drawClear: [zoneBands(thresholds)] },
  };
}

const elapsed = (seconds: number) => `${seconds < 0 ? '-' : ''}${clockText(Math.abs(seconds) * 1000, false)}`;

interface HeartRateChartProps {
  participantId: string;
  displayName: string;
  series: ChartSeries;
  thresholds: number[];
  maxHr: number;
  /** The class's span in seconds since its start, shared by all the charts. */
  seconds: [number, number];
}

export function HeartRateChart({
  participantId,
  displayName,
  series,
  thresholds,
  maxHr,
  seconds,
}: HeartRateChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const ranges = { seconds, bpm: bpmRange(series, thresholds, maxHr) };
    const plot = new uPlot(
      chartOptions(element.clientWidth, ranges, thresholds),
      [series.seconds, series.bpm],
      element,
    );
    // The card's width follows the window (and the print layout): redraw at that width.
    const resize = new ResizeObserver(() => {
      if (element.clientWidth > 0) plot.setSize({ width: element.clientWidth, height: chartHeight });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, thresholds, maxHr, seconds]);
  const readings = series.bpm.filter((value) => value !== null);
  return (
    <div
      class="hr-chart"
      ref={box}
      role="img"
      aria-label={`Heart rate of ${displayName} over the class: ${series.drawn} points${
        readings.length ? `, from ${whole(Math.min(...readings))} to ${whole(Math.max(...readings))} bpm` : ''
      }`}
      data-participant-id={participantId}
      data-points={series.drawn}
      data-zone-thresholds={thresholds.join(' ')}
    />
  );
}
