// A fault run's results as JSON and Markdown under bench/results/, like the bench's.
import { machineLine, writeReport, type Machine } from '../bench/report.js';
import type { FuzzOptions, KillOptions } from './cli.js';
import { criteriaRows } from './criteria.js';
import type { FuzzResult } from './fuzz.js';
import type { KillResult } from './kill.js';

const ms = (value: number | null) => (value === null ? 'never' : `${value} ms`);

export function killMarkdown(date: string, host: Machine, options: KillOptions, result: KillResult): string {
  return [
    `# Faults: ${result.target}-kill (${date}) — ${result.passed ? 'PASSED' : 'FAILED'}`,
    '',
    machineLine(host),
    `Flags: --athletes ${options.athletes} --seconds ${options.seconds} --kill-after ${options['kill-after']} --down ${options.down} --interval ${options.interval} --seed ${options.seed}.`,
    '',
    `A stack of its own (nats-server, embedded Postgres, api, ingest, realtime); one live class of ${result.athletes} athletes, a screen subscribed to it, a gateway publishing with JetStream acks and retrying each batch with the same Nats-Msg-Id until acked; ${result.target} SIGKILLed after ${options['kill-after']} s and started again (down ${result.downMs} ms).`,
    '',
    ...criteriaRows(result.criteria),
    '',
    '| figure | value |',
    '| --- | --- |',
    `| samples acked by JetStream | ${result.acked} |`,
    `| rows in hr_samples / samples in /summary | ${result.stored} / ${result.summarySamples} |`,
    `| samples in the HR stream's events (each occurrence) | ${result.logSamples} |`,
    `| missing / duplicated | ${result.missing} / ${result.duplicated} |`,
    `| totals | ${result.totalsLine} |`,
    `| values flowing on the screen again after the restart (lag ≤ 3 s to the end of the load) | ${ms(result.valuesBackMs)} |`,
    `| history / screen caught up after the load | ${ms(result.storedAfterMs)} / ${ms(result.screenAfterMs)} |`,
    `| screen showed every athlete's last sample, counted from the restart | ${ms(result.caughtUpAfterRestartMs)} |`,
    `| gateway publishes retried | ${result.retries} |`,
    `| REST answers polled / 5xx | ${result.requests} / ${result.serverErrors.length} |`,
    `| unexpected process exits | ${result.exits.length === 0 ? 'none' : result.exits.map((exit) => exit.name).join(', ')} |`,
    '',
    ...(result.problems.length === 0 ? [] : ['Problems:', '', ...result.problems.map((p) => `- ${p}`), '']),
  ].join('\n');
}

export function writeKillReport(options: KillOptions, result: KillResult): string[] {
  return writeReport(`faults-${result.target}-kill`, options, result, (date, host) =>
    killMarkdown(date, host, options, result),
  );
}

export function fuzzMarkdown(date: string, host: Machine, options: FuzzOptions, result: FuzzResult): string {
  const failures = result.failures
    .slice(0, 40)
    .map(
      (failure) =>
        `| ${failure.surface} | ${failure.index} | ${failure.problem.replace(/\|/g, '\\|')} | \`${failure.input.replace(/[|`\n]/g, ' ')}\` |`,
    );
  return [
    `# Faults: fuzz (${date}) — ${result.passed ? 'PASSED' : 'FAILED'}`,
    '',
    machineLine(host),
    `Flags: --count ${options.count} --seed ${options.seed}. Rerun one input with the same seed: the inputs are drawn from it in order.`,
    '',
    ...criteriaRows(result.criteria),
    '',
    '| surface | inputs sent | failures |',
    '| --- | --- | --- |',
    ...result.surfaces.map((surface) => `| ${surface.name} | ${surface.sent} | ${surface.failures} |`),
    '',
    ...(failures.length === 0
      ? []
      : [
          `Failures (first ${failures.length} of ${result.failures.length}; inputs truncated):`,
          '',
          '| surface | input # | problem | input |',
          '| --- | --- | --- | --- |',
          ...failures,
          '',
        ]),
  ].join('\n');
}

export function writeFuzzReport(options: FuzzOptions, result: FuzzResult): string[] {
  return writeReport('faults-fuzz', options, result, (date, host) =>
    fuzzMarkdown(date, host, options, result),
  );
}
