// The latency scenario's results, as JSON and as Markdown, with the machine,
// the flags and the issue's target to read them against.
import type { LatencyOptions } from './cli.js';
import { LATENCY_TARGET_BEYOND_TICK_MS, type LatencyResult } from './latency.js';
import { machineLine, writeReport, type Machine } from './report.js';
import { resourceRows } from './resources.js';
import type { DelaySummary } from './stats.js';

export const delayCells = (d: DelaySummary) => `${d.p50} / ${d.p95} / ${d.p99} / ${d.max} (${d.samples})`;

export function latencyMarkdown(
  date: string,
  host: Machine,
  options: LatencyOptions,
  result: LatencyResult,
): string {
  const saw = result.screensSaw;
  const by = result.p99BeyondTickMs - LATENCY_TARGET_BEYOND_TICK_MS;
  return [
    `# Bench: latency (${date})`,
    '',
    machineLine(host),
    `Flags: --classes ${options.classes} --athletes ${options.athletes} --screens ${options.screens} --seconds ${options.seconds} --tick ${options.tick} --encoding ${options.encoding}.`,
    '',
    `${result.classes} classes of ${result.athletesPerClass} athletes, one gateway each publishing a batch a second over the public contract ` +
      `(${result.samplesPerS} samples/s, each stamped with its publish time); ingest, the API and one realtime process; ` +
      `${result.screens} socket.io screens in the bench's own process, round-robin over the classes.`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| gateway → screen, p50 / p95 / p99 / max ms (values) | ${delayCells(saw.valueDelayMs)} |`,
    `| gateway → ingest's HR event (before realtime), p50 / p95 / p99 / max ms | ${delayCells(result.gatewayToEventMs)} |`,
    `| frame's tick (\`at\`) → screen, p50 / p95 / p99 / max ms (frames) | ${delayCells(saw.frameDelayMs)} |`,
    `| p99 gateway → screen beyond the tick (${result.tickMs} ms) | **${result.p99BeyondTickMs} ms** (target ≤ ${LATENCY_TARGET_BEYOND_TICK_MS}: ${result.targetMet ? 'met' : `missed by ${by} ms`}) |`,
    `| frames per screen per second | ${saw.framesPerScreenPerS} |`,
    `| bytes received per screen per second | ${saw.bytesPerScreenPerS} |`,
    `| realtime CPU per screen over the window (ms) | ${result.cpuMsPerScreen} |`,
    '',
    '## Resources over the publishing window (and the last ticks)',
    '',
    ...resourceRows(result.resources),
    '',
    'Postgres: the postmaster and its children; memory counts their shared buffers once.',
    '',
  ].join('\n');
}

export function writeLatencyReport(options: LatencyOptions, result: LatencyResult): string[] {
  return writeReport(
    'latency',
    options,
    result,
    (date, host) => latencyMarkdown(date, host, options, result),
    {
      targetBeyondTickMs: LATENCY_TARGET_BEYOND_TICK_MS,
    },
  );
}
