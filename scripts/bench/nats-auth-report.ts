// The NATS auth cost scenario's results, as JSON and as Markdown: each side's
// medians and JWT auth over none.
import type { NatsAuthCostOptions } from './cli.js';
import type { AuthSideFigures, NatsAuthCostResult } from './nats-auth-cost.js';
import { machineLine, writeReport, type Machine } from './report.js';

const sideRow = (figures: AuthSideFigures) =>
  `| ${figures.side === 'jwt' ? 'JWT auth, per-user permissions' : 'no auth'} | ${figures.messagesPerS} | ` +
  `${figures.samplesPerS} | ${figures.serverCpuMicrosPerMessage} | ${figures.ackP50Micros} | ${figures.ackP99Micros} | ${figures.connectMs} |`;

const ratio = (value: number | null) => (value === null ? 'n/a' : `×${value}`);

export function natsAuthCostMarkdown(
  date: string,
  host: Machine,
  options: NatsAuthCostOptions,
  result: NatsAuthCostResult,
): string {
  return [
    `# Bench: NATS auth cost (${date})`,
    '',
    machineLine(host, [`nats-server ${result.nats}`]),
    `Flags: --gateways ${options.gateways} --batch ${options.batch} --messages ${options.messages} --acks ${options.acks} ` +
      `--connects ${options.connects} --rounds ${options.rounds}.`,
    '',
    `Two nats-servers alike but for auth, each with a stream and consumer like HRM_INGRESS and ingest's; ` +
      `${result.gateways} gateways, each its own connection (JWT side: its own credentials), publish ${options.messages} ` +
      `messages of ${options.batch} samples with JetStream acks while a consumer (JWT side: the ingest user) fetches and acks them; ` +
      `then one gateway publishes ${options.acks} messages one at a time (publish to ack), and opens ${options.connects} connections. ` +
      `${options.rounds} rounds, alternating which side goes first; medians of the rounds.`,
    '',
    '| server | messages/s | samples/s | nats-server CPU per message (µs) | ack p50 (µs) | ack p99 (µs) | connect (ms) |',
    '| ------ | ---------- | --------- | -------------------------------- | ------------ | ------------ | ------------ |',
    ...result.sides.map(sideRow),
    '',
    `JWT over none: throughput ${ratio(result.throughputRatio)}, nats-server CPU per message ${ratio(result.serverCpuRatio)}, ack p50 ${ratio(result.ackP50Ratio)}, ` +
      `ack p99 ${ratio(result.ackP99Ratio)}, connect ${ratio(result.connectRatio)}.`,
    '',
    '| round | server | messages/s | server CPU/message (µs) | ack p50 (µs) | ack p99 (µs) | connect (ms) |',
    '| ----- | ------ | ---------- | ----------------------- | ------------ | ------------ | ------------ |',
    ...result.rounds.map(
      (round) =>
        `| ${round.round} | ${round.side} | ${round.messagesPerS} | ${round.serverCpuMicrosPerMessage} | ${round.ackMicros.p50} | ${round.ackMicros.p99} | ${round.connectMs} |`,
    ),
    '',
  ].join('\n');
}

export function writeNatsAuthCostReport(options: NatsAuthCostOptions, result: NatsAuthCostResult): string[] {
  return writeReport('nats-auth', options, result, (date, host) =>
    natsAuthCostMarkdown(date, host, options, result),
  );
}
