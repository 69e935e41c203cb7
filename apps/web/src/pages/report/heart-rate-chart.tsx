// One athlete's heart rate over the class, drawn by uPlot on a canvas, with the
// athlete's zones as coloured bands behind the curve. The x axis is the time
// since the class started, which is what a coach talks about ("at minute 12").
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { clockText, whole } from '../../components/format.js';
import { bpmRange, type ChartSeries } from './chart-series.js';

const chartHeight = 240;
const bandAlpha = 0.3;

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
