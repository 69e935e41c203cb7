// The throughput scenario's results, as JSON and as Markdown, with the machine
// and the flags they came from, and the issue's targets to read them against.
import type { ThroughputOptions } from './cli.js';
import { machineLine, writeReport, type Machine } from './report.js';
import { resourceRows } from './resources.js';
import type { StepResult, ThroughputResult } from './throughput.js';

/** Issue 7's targets: reported against, never asserted. */
export const TARGETS = { samplesPerS: 20_000, ratioToBare: 0.3, historyLagMs: 2000 };

const stepRow = (step: StepResult) =>
  `| ${step.targetPerS} | ${step.publishedPerS} | ${step.backlogMedian} | ${step.verdict.growthPerS} | ` +
  `${step.projectionLagEvents} (${step.projectionLagMs} ms) | ${step.historyLagMs ?? 'never'} | ` +
  `${step.stored}/${step.distinct} | ${step.verdict.sustained ? 'yes' : step.verdict.reasons.join('; ')} |`;

function verdictLine(
  label: string,
  value: number | null,
  target: number,
  atMost: boolean,
  unit: string,
): string {
  if (value === null) return `- ${label}: none (target ${atMost ? '≤' : '≥'} ${target}${unit})`;
  const met = atMost ? value <= target : value >= target;
  const by = atMost ? value - target : target - value;
  return `- ${label}: **${value}${unit}** (target ${atMost ? '≤' : '≥'} ${target}${unit}: ${met ? 'met' : `missed by ${Math.round(by * 1000) / 1000}${unit}`})`;
}

export function throughputMarkdown(
  date: string,
  host: Machine,
  options: ThroughputOptions,
  result: ThroughputResult,
): string {
  const sustained = result.sustained;
  const lines = [
    `# Bench: throughput (${date})`,
    '',
    machineLine(host, [`PostgreSQL ${result.postgres}`, `nats-server ${result.nats}`]),
    `Flags: --classes ${options.classes} --athletes ${options.athletes} --start-rate ${options.startRate} --step ${options.step} ` +
      `--max-rate ${options.maxRate} --hold ${options.holdS} --batch ${options.batch} --sample-ms ${options.sampleMs} --tolerance ${Math.round(options.tolerance * 100)} --profile ${options.profile}.`,
    `${result.athletes} athletes, one gateway per class, ${options.batch} samples a message; each athlete's samples ${result.sampleStepMs} ms apart.`,
    '',
    '## Headline',
    '',
    verdictLine(
      'highest sustained rate',
      sustained?.targetPerS ?? null,
      TARGETS.samplesPerS,
      false,
      ' samples/s',
    ),
    `- bare JetStream, same ${result.bare.messages} messages of ${result.bare.bytesPerMessage} bytes: ` +
      `${result.bare.messagesPerS} messages/s = **${result.bare.samplesPerS} samples/s**`,
    verdictLine('pipeline / bare JetStream', result.ratio, TARGETS.ratioToBare, false, ''),
    verdictLine(
      'history lag at the sustained rate',
      sustained?.historyLagMs ?? null,
      TARGETS.historyLagMs,
      true,
      ' ms',
    ),
    `- projection lag during that hold: ${sustained?.projectionLagEvents ?? 'n/a'} events (${sustained?.projectionLagMs ?? 'n/a'} ms at the rate)`,
    '',
    '## Steps',
    '',
    "backlog: samples waiting in ingest's consumer (messages × batch) and the projection, median over the second half of the hold; " +
      "growth: its least-squares slope there; history lag: from the last publish acked to the last row stored; stored/distinct: rows of the bench's classes (cumulative).",
    '',
    '| target/s | published/s | backlog | growth/s | projection lag | history lag ms | stored/distinct | sustained |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...result.steps.map(stepRow),
    '',
    `## Resources${sustained === null ? '' : ` at ${sustained.targetPerS} samples/s (hold and drain)`}`,
    '',
    ...resourceRows(sustained?.resources ?? []),
    '',
    '## Resources over the whole run (all steps)',
    '',
    ...resourceRows(result.resources),
    '',
    'Postgres: the postmaster and its children; memory counts their shared buffers once.',
    '',
  ];
  if (result.profile !== null) {
    lines.push(
      `## CPU profile of ${result.profile.service} (whole run: ${result.profile.totalMs} ms sampled, ${result.profile.idleMs} ms idle)`,
      '',
      '| self time in | ms | % |',
      '| --- | --- | --- |',
      ...result.profile.packages.map((spot) => `| ${spot.name} | ${spot.selfMs} | ${spot.percent} |`),
      '',
      '| function | ms | % |',
      '| --- | --- | --- |',
      ...result.profile.functions.map((spot) => `| ${spot.name} | ${spot.selfMs} | ${spot.percent} |`),
      '',
    );
  }
  return lines.join('\n');
}

export function writeThroughputReport(options: ThroughputOptions, result: ThroughputResult): string[] {
  return writeReport(
    'throughput',
    options,
    result,
    (date, host) => throughputMarkdown(date, host, options, result),
    { targets: TARGETS },
  );
}
