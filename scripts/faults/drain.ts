// After the load: waits for history and the screen to take in every acked
// sample (bounded), then compares every place a sample could be counted twice.
import {
  compareCountedOnce,
  eventually,
  parseSummary,
  readClassLog,
  storedSamples,
  type AthleteTotals,
  type CountedOnceReport,
  type LiveClass,
  type TestStack,
} from '#testing';
import type { LoadResult } from './gateway.js';
import type { FaultScreen } from './screen.js';

export interface CountedOnceFigures extends Omit<CountedOnceReport, 'acked'> {
  acked: number;
  /** From the end of the load until history held every acked sample; null when it never did. */
  storedAfterMs: number | null;
  /** From the end of the load until the screen showed every athlete's last sample; null when it never did. */
  screenAfterMs: number | null;
  totalsLine: string;
}

const round = (value: number | null) => (value === null ? 'n/a' : value.toFixed(1));
const totalsOf = (name: string, totals: AthleteTotals | null) =>
  totals === null ? `${name} n/a` : `${name} ${round(totals.kcal)} kcal / ${round(totals.points)} points`;

export async function drainAndCompare(
  stack: TestStack,
  live: LiveClass,
  screen: FaultScreen,
  load: LoadResult,
  drainMs: number,
  progress: (line: string) => void,
): Promise<CountedOnceFigures> {
  const stoppedAt = Date.now();
  const storedAfterMs = await eventually(
    async () =>
      (await storedSamples(stack.databaseUrl, live.sessionId)) === load.acked
        ? Date.now() - stoppedAt
        : undefined,
    'history to hold every acked sample',
    drainMs,
    200,
  ).catch(() => null);
  const screenAfterMs = await eventually(
    () => {
      for (const [deviceId, participantId] of live.participantsByDevice) {
        if (screen.values.get(participantId)?.ts !== load.lastTs.get(deviceId)) return undefined;
      }
      return Date.now() - stoppedAt;
    },
    "the screen to show every athlete's last sample",
    Math.max(1000, drainMs - (Date.now() - stoppedAt)),
    100,
  ).catch(() => null);
  progress(
    `drained: history ${storedAfterMs === null ? 'never caught up' : `after ${storedAfterMs} ms`}, ` +
      `screen ${screenAfterMs === null ? 'never caught up' : `after ${screenAfterMs} ms`}`,
  );
  const stored = (await storedSamples(stack.databaseUrl, live.sessionId)) ?? -1;
  const summary = parseSummary(
    await eventually(
      async () => {
        const answer = await stack.api('GET', `/api/v1/sessions/${live.sessionId}/summary`);
        return answer.status === 200 ? answer.body : undefined;
      },
      'the summary',
      30_000,
      250,
    ),
  );
  const log = await readClassLog(stack.natsOptions(), live.sessionId);
  const shown = new Map<string, AthleteTotals>(
    [...screen.values].map(([participantId, value]) => [
      participantId,
      { kcal: value.kcal, points: value.points },
    ]),
  );
  const report = compareCountedOnce({ acked: load.acked, stored, summary, ...log, screen: shown });
  return {
    ...report,
    storedAfterMs,
    screenAfterMs,
    totalsLine: [
      totalsOf('screen', report.totals.screen),
      totalsOf('/summary', report.totals.summary),
      totalsOf('HR stream', report.totals.log),
    ].join('; '),
  };
}
