// The class screen scenario's results, as JSON and as Markdown: each target
// with its figure and PASS or FAIL, then both pages' figures side by side.
import type { ScreenOptions } from './cli.js';
import { machineLine, writeReport, type Machine } from './report.js';
import {
  FRAME_WINDOW_MS,
  SCREEN_TARGETS,
  type PageFigures,
  type ScreenResult,
  type Spread,
} from './screen.js';

const verdict = (met: boolean) => (met ? 'PASS' : 'FAIL');
const spreadCells = (spread: Spread) => `${spread.median} / ${spread.p95} / ${spread.p99} / ${spread.max}`;
const kib = (bytes: number) => (bytes / 1024).toFixed(1);

const pageRows = (screen: PageFigures, decode: PageFigures): string[] => {
  const row = (figure: string, cell: (page: PageFigures) => string | number) =>
    `| ${figure} | ${cell(screen)} | ${cell(decode)} |`;
  return [
    '| figure | screen | decode only (baseline) |',
    '| --- | --- | --- |',
    row('frames received / found in the trace', (page) => `${page.framesReceived} / ${page.framesTraced}`),
    row('main thread per frame, median / p95 / p99 / max ms (wall)', (page) => spreadCells(page.frameMs)),
    row('of which the message task, median / p95 / p99 / max ms', (page) => spreadCells(page.messageMs)),
    row('main-thread CPU per frame, median / p95 / p99 / max ms', (page) => spreadCells(page.frameCpuMs)),
    row(
      'CPU per frame by phase, medians: script / style / layout / paint ms',
      (page) =>
        `${page.phaseCpuMs.script} / ${page.phaseCpuMs.style} / ${page.phaseCpuMs.layout} / ${page.phaseCpuMs.paint}`,
    ),
    row('main thread busy, ms per second (all tasks)', (page) => page.busyMsPerS),
    row('longest main-thread task (ms)', (page) => page.longestTaskMs),
    row(
      'long tasks while measuring (count, longest ms)',
      (page) => `${page.longTasks}, ${page.longestLongTaskMs}`,
    ),
    row('long tasks before (loading, warm-up)', (page) => page.longTasksBefore),
    row('JS heap after GC, start → end (KiB)', (page) => `${page.heap.startKib} → ${page.heap.endKib}`),
    row('JS heap growth (KiB)', (page) => page.heap.growthKib),
    row('console errors', (page) => page.errors.length),
  ];
};

export function screenMarkdown(
  date: string,
  host: Machine,
  options: ScreenOptions,
  result: ScreenResult,
): string {
  const { screen, decodeOnly: decode, verdicts, js } = result;
  return [
    `# Bench: class screen in Chromium (${date})`,
    '',
    machineLine(host, [`Chromium ${result.chromium}`]),
    `Flags: --athletes ${options.athletes} --seconds ${options.seconds} --warmup ${options.warmup}${options.timer ? ' --timer' : ''}.`,
    '',
    `The /screen page of the built web app, served by the API (with ingest and one realtime process, tick 1 000 ms), ` +
      `in headless Chromium at 1920×1080; one class of ${result.athletes} athletes whose gateway published one sample of each a second ` +
      `(${result.batchesPublished} batches acked while measuring, ${result.seconds} s); ${result.timerShown ? `the class's timer running (a stopwatch, showing ${result.timerShown.start ?? '?'} as measuring began and ${result.timerShown.end ?? '?'} as it ended)` : 'no timer running'}. Baseline in the same browser and run: ` +
      `a blank page with the screen's Socket.IO connection only, subscribed to the same class, parsing and decoding each frame without drawing. ` +
      `Per frame: the main thread's top-level tasks from the frame's message task for ${FRAME_WINDOW_MS} ms or until the next frame, timer tasks left out (Chrome trace).`,
    '',
    '| target | measured | verdict |',
    '| --- | --- | --- |',
    `| main thread per values frame, p99 ≤ ${SCREEN_TARGETS.frameP99Ms} ms | ${screen.frameMs.p99} ms (median ${screen.frameMs.median} ms; ×${result.ratio.median} the decode-only page's median, ×${result.ratio.p99} its p99) | ${verdict(verdicts.frameP99)} |`,
    `| no long task (> ${SCREEN_TARGETS.longTaskMs} ms) | ${screen.longTasks} (PerformanceObserver 'longtask'; longest ${screen.longestLongTaskMs} ms); longest main-thread task in the trace ${screen.longestTaskMs} ms (wall, descheduled time included) | ${verdict(verdicts.longTasks)} |`,
    `| JS heap flat (growth ≤ ${SCREEN_TARGETS.heapGrowthKib} KiB after GC) | ${screen.heap.startKib} → ${screen.heap.endKib} KiB (${screen.heap.growthKib >= 0 ? '+' : ''}${screen.heap.growthKib}) | ${verdict(verdicts.heapFlat)} |`,
    `| screen page JavaScript ≤ ${SCREEN_TARGETS.jsGzipKib} KiB gzipped | ${kib(js.gzipBytes)} KiB gzipped (${kib(js.bytes)} KiB raw) | ${verdict(verdicts.jsSize)} |`,
    '',
    ...pageRows(screen, decode),
    '',
    '| script | KiB | KiB gzipped |',
    '| --- | --- | --- |',
    ...js.scripts.map((script) => `| ${script.file} | ${kib(script.bytes)} | ${kib(script.gzipBytes)} |`),
    '',
  ].join('\n');
}

export function writeScreenReport(options: ScreenOptions, result: ScreenResult): string[] {
  return writeReport('screen', options, result, (date, host) => screenMarkdown(date, host, options, result), {
    targets: SCREEN_TARGETS,
  });
}
