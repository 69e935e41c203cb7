// A bench run's results, as JSON and as a Markdown table, with the machine
// and the flags they came from.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FanoutOptions, HistoryOptions } from './cli.js';
import type { FanoutResult } from './fanout.js';
import { BYTES_VS_NAIVE_TARGET } from './fanout-baselines.js';
import type { HistoryResult } from './history.js';
import { resourceRows } from './resources.js';
import type { DelaySummary } from './stats.js';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** The report's machine line, with the versions of what ran on it and the load average at the end. */
export function machineLine(host: Machine, versions: string[] = []): string {
  const load = os
    .loadavg()
    .map((average) => average.toFixed(1))
    .join(' ');
  const what = [
    `${host.cpus} CPUs (${host.cpuModel})`,
    `${host.memoryGb} GiB`,
    `Node ${host.node}`,
    host.platform,
  ];
  return `Machine: ${[...what, ...versions].join(', ')}; load average at the end ${load}.`;
}

/**
 * Writes `<out>/<scenario>-<date>.json` (machine, load average, flags, anything
 * in `extra`, then the result) and `.md`; returns their paths.
 */
export function writeReport(
  scenario: string,
  options: { out: string },
  result: object,
  markdown: (date: string, host: Machine) => string,
  extra: Record<string, unknown> = {},
): string[] {
  const date = new Date().toISOString();
  const host = machine();
  fs.mkdirSync(options.out, { recursive: true });
  const base = path.join(options.out, `${scenario}-${date.replace(/[:.]/g, '-')}`);
  const json = {
    scenario,
    date,
    machine: host,
    loadAverage: os.loadavg(),
    flags: options,
    ...extra,
    ...result,
  };
  fs.writeFileSync(`${base}.json`, JSON.stringify(json, null, 2) + '\n');
  fs.writeFileSync(`${base}.md`, markdown(date, host));
  return [`${base}.json`, `${base}.md`];
}

export function historyMarkdown(
  date: string,
  host: Machine,
  options: HistoryOptions,
  result: HistoryResult,
): string {
  const rows = result.endpoints.map(
    (endpoint) =>
      `| ${endpoint.name} | ${endpoint.medianMs} | ${endpoint.p95Ms} | ${endpoint.ratio} | ${Math.round(endpoint.bytes / 1024)} | ${endpoint.note} |`,
  );
  return [
    `# Bench: history (${date})`,
    '',
    machineLine(host, [`PostgreSQL ${result.postgres}`]),
    `Flags: --athletes ${options.athletes} --minutes ${options.minutes} --runs ${options.runs} --warmup ${options.warmup} --seed ${options.seed}.`,
    '',
    `Class: ${result.samples} samples stored by the API's projection at ${result.load.storedPerS} samples/s from the first publish to the last row (published at ${result.load.publishPerS}/s; the last row landed ${result.load.storeLagMs} ms after the last publish).`,
    '',
    `Times are over HTTP, in ms, ${options.runs} runs each, interleaved; ratio = median / median of "${result.baseline}".`,
    '',
    '| endpoint | median ms | p95 ms | ratio | KiB | what |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

export function writeHistoryReport(options: HistoryOptions, result: HistoryResult): string[] {
  return writeReport('history', options, result, (date, host) =>
    historyMarkdown(date, host, options, result),
  );
}

export function fanoutMarkdown(
  date: string,
  host: Machine,
  options: FanoutOptions,
  result: FanoutResult,
): string {
  const { screensSaw: saw, memory, baselines: base, comparison: cmp } = result;
  const realtime = result.resources.find((figure) => figure.name === 'realtime');
  const delays = (d: DelaySummary) => `${d.p50} / ${d.p95} / ${d.p99} / ${d.max} (${d.samples})`;
  return [
    `# Bench: fanout (${date})`,
    '',
    machineLine(host),
    `Flags: --screens ${options.screens} --classes ${options.classes} --athletes ${options.athletes} --seconds ${options.seconds} --tick ${options.tick} --encoding ${options.encoding}.`,
    '',
    `One realtime process; ${result.screens} socket.io clients (in the bench's own process, on the same machine) over ${result.classes} live classes of ${result.athletesPerClass} athletes; heart rate published to the HR stream at ${result.publishedPerS} samples/s (one event per class a second) for ${result.seconds} s.`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| delay from HR publish to screen, p50 / p95 / p99 / max ms (values; includes the wait for the next tick) | ${delays(saw.valueDelayMs)} |`,
    `| delay from the frame's tick (\`at\`) to screen, p50 / p95 / p99 / max ms (frames) | ${delays(saw.frameDelayMs)} |`,
    `| frames per screen per second | ${saw.framesPerScreenPerS} |`,
    `| bytes received per screen per second | ${saw.bytesPerScreenPerS} |`,
    `| realtime CPU per screen over the window (ms) | ${result.cpuMsPerScreen} |`,
    `| realtime RSS before screens / with screens (MB) | ${memory.rssBeforeMb} / ${memory.rssAfterMb} |`,
    `| memory per connected screen, steady (least gauge reading while frames flow − least before): RSS / JS heap (KiB) | ${memory.rssPerScreenKb} / ${memory.heapPerScreenKb} |`,
    `| JS heap per screen read once, 3 ticks after connecting (garbage included) (KiB) | ${memory.heapPerScreenKbAtConnect} |`,
    `| at the end of the window, per screen: RSS / heap committed / heap used / external (KiB) | ${memory.atEnd.rssPerScreenKb} / ${memory.atEnd.heapTotalPerScreenKb} / ${memory.atEnd.heapUsedPerScreenKb} / ${memory.atEnd.externalPerScreenKb} |`,
    '',
    '## Baselines, same run, same screens and classes',
    '',
    `Bare Socket.IO: a plain server in its own process, no auth, one room per class, every tick one pre-built frame of ${base.frameBytes} bytes (our mean frame) to each room. ` +
      "Naive design: one process that sends every sample, with its athlete's static data (name, max HR, zones, strap), at once to every screen of its class (samples from core NATS at 1 Hz per athlete).",
    '',
    '| | ours (realtime) | bare Socket.IO | naive design |',
    '| --- | --- | --- | --- |',
    `| delay from the server's send to screen, p50 / p95 / p99 / max ms | ${delays(saw.frameDelayMs)} | ${delays(base.bare.screensSaw.frameDelayMs)} | ${delays(base.naive.screensSaw.valueDelayMs)} (from the sample) |`,
    `| messages per screen per second | ${saw.framesPerScreenPerS} | ${base.bare.screensSaw.framesPerScreenPerS} | ${base.naive.screensSaw.framesPerScreenPerS} |`,
    `| bytes per screen per second | ${saw.bytesPerScreenPerS} | ${base.bare.screensSaw.bytesPerScreenPerS} | ${base.naive.screensSaw.bytesPerScreenPerS} |`,
    `| server CPU per screen (ms over the window) | ${result.cpuMsPerScreen} | ${base.bare.cpuMsPerScreen} | ${base.naive.cpuMsPerScreen} |`,
    `| server CPU s / peak RSS MB | ${realtime?.cpuS ?? 'n/a'} / ${realtime?.peakRssMb ?? 'n/a'} | ${base.bare.cpuS} / ${base.bare.peakRssMb} | ${base.naive.cpuS} / ${base.naive.peakRssMb} |`,
    '',
    `- ours / bare Socket.IO: delay from the tick p50 ×${cmp.frameDelayP50VsBare ?? 'n/a'}, p99 ×${cmp.frameDelayP99VsBare ?? 'n/a'}; frames delivered ${cmp.framesVsBare ?? 'n/a'}; CPU per screen ×${cmp.cpuVsBare ?? 'n/a'}`,
    `- ours / naive design: bytes per screen **${cmp.bytesVsNaive ?? 'n/a'}** (target ≤ ${BYTES_VS_NAIVE_TARGET}: ${cmp.bytesVsNaive === null ? 'n/a' : cmp.bytesVsNaive <= BYTES_VS_NAIVE_TARGET ? 'met' : 'missed'}); CPU per screen **${cmp.cpuVsNaive ?? 'n/a'}**`,
    '',
    '## Resources while heart rate was published',
    '',
    ...resourceRows(result.resources),
    '',
  ].join('\n');
}

export function writeFanoutReport(options: FanoutOptions, result: FanoutResult): string[] {
  return writeReport('fanout', options, result, (date, host) => fanoutMarkdown(date, host, options, result));
}
