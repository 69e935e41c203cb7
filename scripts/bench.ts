// The project's benchmark: `npm run bench -- <scenario> [flags]`. Figures are
// medians or sustained rates with a baseline measured in the same run, never a
// timed test (docs/PERFORMANCE.md).
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseBenchArgs, USAGE } from './bench/cli.js';
import { runFanout } from './bench/fanout.js';
import { runHistory } from './bench/history.js';
import { runLatency } from './bench/latency.js';
import { writeLatencyReport } from './bench/latency-report.js';
import { runMemory } from './bench/memory.js';
import { writeMemoryReport } from './bench/memory-report.js';
import { runNatsAuthCost } from './bench/nats-auth-cost.js';
import { writeNatsAuthCostReport } from './bench/nats-auth-report.js';
import { writeFanoutReport, writeHistoryReport } from './bench/report.js';
import { runScreen } from './bench/screen.js';
import { writeScreenReport } from './bench/screen-report.js';
import { runStartup } from './bench/startup.js';
import { writeStartupReport } from './bench/startup-report.js';
import { runThroughput } from './bench/throughput.js';
import { writeThroughputReport } from './bench/throughput-report.js';

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const parsed = parseBenchArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`bench: ${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  const started = Date.now();
  const progress = (line: string) =>
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  try {
    const command = parsed.value;
    const files = await (async () => {
      switch (command.scenario) {
        case 'history':
          return writeHistoryReport(command.options, await runHistory(command.options, progress));
        case 'throughput':
          return writeThroughputReport(command.options, await runThroughput(command.options, progress));
        case 'fanout':
          return writeFanoutReport(command.options, await runFanout(command.options, progress));
        case 'latency':
          return writeLatencyReport(command.options, await runLatency(command.options, progress));
        case 'memory':
          return writeMemoryReport(command.options, await runMemory(command.options, progress));
        case 'startup':
          return writeStartupReport(command.options, await runStartup(command.options, progress));
        case 'nats-auth':
          return writeNatsAuthCostReport(command.options, await runNatsAuthCost(command.options, progress));
        case 'screen':
          return writeScreenReport(command.options, await runScreen(command.options, progress));
      }
    })();
    const markdown = files.find((file) => file.endsWith('.md'));
    if (markdown !== undefined) process.stdout.write(fs.readFileSync(markdown, 'utf8'));
    progress(`written ${files.join(', ')}`);
    return 0;
  } catch (error) {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = await main();
}
