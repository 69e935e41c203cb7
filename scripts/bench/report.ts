// A bench run's results, as JSON and as a Markdown table, with the machine
// and the flags they came from.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HistoryOptions } from './cli.js';
import type { HistoryResult } from './history.js';

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
    `Machine: ${host.cpus} CPUs (${host.cpuModel}), ${host.memoryGb} GiB, Node ${host.node}, ${host.platform}, PostgreSQL ${result.postgres}.`,
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

/** Writes `<out>/history-<date>.json` and `.md`; returns their paths. */
export function writeHistoryReport(options: HistoryOptions, result: HistoryResult): string[] {
  const date = new Date().toISOString();
  const host = machine();
  fs.mkdirSync(options.out, { recursive: true });
  const base = path.join(options.out, `history-${date.replace(/[:.]/g, '-')}`);
  fs.writeFileSync(
    `${base}.json`,
    JSON.stringify({ scenario: 'history', date, machine: host, flags: options, ...result }, null, 2) + '\n',
  );
  fs.writeFileSync(`${base}.md`, historyMarkdown(date, host, options, result));
  return [`${base}.json`, `${base}.md`];
}
