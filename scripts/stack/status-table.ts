// `npm run status` as a person reads it: the answer of GET /api/v1/admin/health
// as a few aligned tables (services and their instances, NATS streams and
// durable consumers, Postgres, projections), then what is wrong, one line each.
import type { OverallStatus, PlatformHealth } from '#contracts';
import { bold, paint } from './log-format.js';

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const YELLOW = '\u001b[33m';

const stateColour: Readonly<Record<string, string>> = {
  ok: GREEN,
  up: GREEN,
  degraded: YELLOW,
  unavailable: YELLOW,
  unknown: YELLOW,
  silent: RED,
  down: RED,
};

/** Columns padded to their widest cell; a state word in the last column coloured. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  colour = false,
): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const last = header.length - 1;
  const line = (cells: readonly string[], paintCell: (cell: string, column: number) => string) =>
    cells
      .map((cell, column) => paintCell(column === last ? cell : cell.padEnd(widths[column] ?? 0), column))
      .join('  ')
      .trimEnd();
  return [
    `  ${line(header, (cell) => bold(colour, cell))}`,
    ...rows.map(
      (row) =>
        `  ${line(row, (cell, column) => (column === last ? paint(colour, stateColour[cell] ?? '', cell) : cell))}`,
    ),
  ];
}

export const count = (value: number) => value.toLocaleString('en-US');

export function bytes(value: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let amount = value;
  let unit = 0;
  while (amount >= 1000 && unit < units.length - 1) {
    amount /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${amount.toFixed(1)} ${units[unit]}`;
}

const ago = (ms: number) => (ms < 1000 ? 'now' : `${Math.round(ms / 1000)} s ago`);
const orDash = (value: number | null, format: (value: number) => string = count) =>
  value === null ? '-' : format(value);
const headline = (status: OverallStatus, colour: boolean) =>
  paint(colour, stateColour[status] ?? '', status.toUpperCase());

export function statusLines(health: PlatformHealth, apiUrl: string, colour: boolean): string[] {
  const checked = new Date(health.checkedAt)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const lines = [
    `${bold(colour, 'HRM platform')} ${headline(health.status, colour)}  (${apiUrl}, ${checked})`,
    '',
    bold(colour, 'Services'),
    ...table(
      ['SERVICE', 'INSTANCE', 'VERSION', 'STARTED', 'LAST SEEN', 'HEALTH URL', 'STATE'],
      health.services.flatMap(({ service, status, instances }) =>
        instances.length === 0
          ? [[service, status === 'unknown' ? '?' : '(none running)', '', '', '', '', status]]
          : instances.map((instance) => [
              service,
              instance.instance,
              instance.version,
              new Date(instance.startedAt).toISOString().slice(11, 19),
              ago(instance.lastSeenMsAgo),
              instance.healthUrl,
              instance.state,
            ]),
      ),
      colour,
    ),
    '',
    `${bold(colour, 'NATS')} ${paint(colour, stateColour[health.nats.status] ?? '', health.nats.status)}` +
      (health.nats.server
        ? `  nats-server ${health.nats.server.version}${health.nats.server.name ? ` (${health.nats.server.name})` : ''}`
        : '') +
      (health.nats.rttMs === null ? '' : `, round trip ${health.nats.rttMs} ms`) +
      (health.nats.reason ? `  (${health.nats.reason})` : ''),
  ];
  if (health.nats.streams.length > 0)
    lines.push(
      ...table(
        ['STREAM', 'MESSAGES', 'BYTES', 'FIRST SEQ', 'LAST SEQ', 'CONSUMERS'],
        health.nats.streams.map((stream) => [
          stream.name,
          count(stream.messages),
          bytes(stream.bytes),
          count(stream.firstSeq),
          count(stream.lastSeq),
          count(stream.consumers),
        ]),
      ),
    );
  if (health.nats.consumers.length > 0)
    lines.push(
      '',
      ...table(
        ['DURABLE CONSUMER', 'STREAM', 'PENDING', 'ACK PENDING', 'REDELIVERED', 'WAITING PULLS'],
        health.nats.consumers.map((consumer) => [
          consumer.name,
          consumer.stream,
          count(consumer.pending),
          count(consumer.ackPending),
          count(consumer.redelivered),
          count(consumer.waiting),
        ]),
      ),
    );
  lines.push(
    '',
    `${bold(colour, 'Postgres')} ${paint(colour, stateColour[health.postgres.status] ?? '', health.postgres.status)}` +
      (health.postgres.latencyMs === null ? '' : `  SELECT 1 in ${health.postgres.latencyMs} ms`) +
      (health.postgres.reason ? `  (${health.postgres.reason})` : ''),
    '',
    bold(colour, 'Projections'),
    ...table(
      ['PROJECTION', 'STREAM', 'FILTER', 'POSITION', 'LAST', 'BEHIND', 'PARKED'],
      health.projections.map((projection) => [
        projection.name,
        projection.stream,
        projection.filterSubject,
        orDash(projection.position),
        orDash(projection.lastSeq),
        orDash(projection.behind),
        orDash(projection.parked),
      ]),
    ),
  );
  if (health.problems.length > 0)
    lines.push('', bold(colour, 'Problems'), ...health.problems.map((problem) => `  - ${problem}`));
  return lines;
}
