// The startup scenario's results, as JSON and as Markdown: each service's
// start on an empty log and on a year's log, and a screen's snapshot of an
// ended class of last month, against issue 14's targets.
import type { StartupOptions } from './cli.js';
import { STARTUP_TARGETS } from './startup-figures.js';
import type { StartupResult } from './startup.js';
import { machineLine, writeReport, type Machine } from './report.js';

const verdict = (met: boolean) => (met ? 'met' : '**missed**');
const times = (count: number) => `${count} time${count === 1 ? '' : 's'}`;

export function startupMarkdown(
  date: string,
  host: Machine,
  options: StartupOptions,
  result: StartupResult,
): string {
  const { log, services, snapshot } = result;
  const t = STARTUP_TARGETS;
  return [
    `# Bench: startup after a year (${date})`,
    '',
    machineLine(host),
    `Flags: --ended-classes ${options.endedClasses} --repeat ${options.repeat} --warmup ${options.warmup} --snapshots ${options.snapshots} ` +
      `--settle ${options.settleS} --hr-every ${options.hrEveryS} --seed ${options.seed}${options.fast ? ' (--fast)' : ''}.`,
    '',
    `The year's log: ${log.events} events (${log.events - log.heartRateEvents} on the class subjects, ${log.heartRateEvents} heart-rate), ` +
      `${Math.round(log.bytes / 2 ** 20)} MiB, written in ${log.seconds} s (${log.eventsPerS} events/s); ` +
      `${log.indexed} classes in the class index (ended within its horizon).`,
    '',
    `Each service started ${times(options.repeat)} on each log (a fresh NATS data directory; the year's log), alternating which comes first, ` +
      `after ${times(options.warmup)} not measured on each. Ready: from spawning the process to the first 200 of its /healthz. ` +
      `RSS from /proc when ready, and ${options.settleS} s later. Medians; ratio = year's log / empty log.`,
    '',
    '| service | ready, empty / year (ms) | ready × | slowest start (ms) | RSS when ready, empty / year (MB) | RSS × | RSS after settle × | peak RSS, empty / year (MB) | verdict |',
    '| ------- | ------------------------ | ------- | ------------------ | --------------------------------- | ----- | ------------------ | --------------------------- | ------- |',
    ...services.map(
      (s) =>
        `| ${s.service} | ${s.empty.readyMedianMs} / ${s.year.readyMedianMs} | ${s.ratios.ready} | ${Math.max(s.empty.readyMaxMs, s.year.readyMaxMs)} | ` +
        `${s.empty.rssMedianMb} / ${s.year.rssMedianMb} | ${s.ratios.rss} | ${s.ratios.settledRss} | ${s.empty.peakMedianMb} / ${s.year.peakMedianMb} | ` +
        `time ×: ${verdict(s.met.ready)}; RSS ×: ${verdict(s.met.rss)}; ≤ ${t.readyMs} ms: ${verdict(s.met.within)} |`,
    ),
    '',
    `Targets: ready ≤ ${t.readyRatio}×, RSS ≤ ${t.rssRatio}× (when ready and after settling), every start ≤ ${t.readyMs} ms.`,
    '',
    `A screen subscribing to an ended class of last month (${snapshot.classes} classes, of ${log.lastMonthClasses} that ended 20 to 40 days ago), ` +
      `on a realtime started on the year's log, from \`session:subscribe\` to the snapshot in its ack: ` +
      `median **${snapshot.medianMs} ms**, p95 ${snapshot.p95Ms} ms, max ${snapshot.maxMs} ms ` +
      `(target < ${t.snapshotMs} ms: ${verdict(snapshot.met)}).`,
    '',
  ].join('\n');
}

export function writeStartupReport(options: StartupOptions, result: StartupResult): string[] {
  return writeReport('startup', options, result, (date, host) =>
    startupMarkdown(date, host, options, result),
  );
}
