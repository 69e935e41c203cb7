// Finding 9 of issue 12: after a kill test, "counted once" is checked where a
// sample could be counted twice (the HR stream's events, a screen's totals,
// /summary), not only in hr_samples, whose primary key forbids a second row.
import { expect } from '@jest/globals';
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
import type { Screen } from './screen.js';

export async function expectCountedOnce(
  stack: TestStack,
  live: LiveClass,
  screen: Screen,
  { acked, lastTs, resent = 0 }: { acked: number; lastTs: number; resent?: number },
  timeoutMs = 20_000,
): Promise<CountedOnceReport> {
  await eventually(
    async () => ((await storedSamples(stack.databaseUrl, live.sessionId)) === acked ? true : undefined),
    `${acked} samples of the class in history`,
    timeoutMs,
  );
  // The screen stayed connected the whole time: it must have caught up with the last sample.
  await eventually(
    () => {
      for (const participantId of live.participantsByDevice.values())
        if (screen.values.get(participantId)?.ts !== lastTs) return undefined;
      return true;
    },
    "the screen to show every athlete's last sample",
    timeoutMs,
  );
  const summary = parseSummary(
    await eventually(async () => {
      const answer = await stack.api('GET', `/api/v1/sessions/${live.sessionId}/summary`);
      return answer.status === 200 ? answer.body : undefined;
    }, 'the summary'),
  );
  const shown = new Map<string, AthleteTotals>(
    [...screen.values].map(([participantId, value]) => [
      participantId,
      { kcal: value.kcal, points: value.points },
    ]),
  );
  const report = compareCountedOnce({
    acked,
    resent,
    stored: (await storedSamples(stack.databaseUrl, live.sessionId)) ?? -1,
    summary,
    ...(await readClassLog(stack.natsOptions(), live.sessionId)),
    screen: shown,
  });
  expect(report.problems).toEqual([]);
  expect(report.totals.log.points).toBeGreaterThan(0);
  return report;
}
