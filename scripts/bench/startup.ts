// Startup after a year (issue 14): does a service start as fast, and as small,
// on a log holding a year of ended classes as on an empty one? Two NATS
// servers of our own (a fresh one and one holding the year: NATS_URL is not
// used), each with the platform's auth (each service its own user, the writer
// the tools user), one Postgres (DATABASE_URL when set) that neither log depends on.
// Each of realtime, ingest and the Spotify worker is started on each log in
// turn, alternating which goes first; then a screen subscribes to ended
// classes of last month on a realtime started on the year's log.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventStore } from '#eventstore';
import { LocalPostgres, NatsServer, migrateDatabase } from '#localstack';
import { prepareNatsAuth } from '#nats-auth';
import { natsAccess, type NatsAccess } from './nats-access.js';
import type { StartupOptions } from './cli.js';
import {
  serviceFigures,
  sidesOf,
  snapshotFigures,
  type ServiceFigures,
  type SnapshotFigures,
} from './startup-figures.js';
import { spreadPick, timeSnapshots, type SnapshotTiming } from './startup-snapshot.js';
import {
  measureStart,
  startService,
  startupServices,
  type LogSide,
  type MeasuredStart,
  type StartTarget,
} from './startup-starts.js';
import { freshLog, writeYear, type WrittenLog } from './startup-writer.js';

export interface StartupResult {
  log: Omit<WrittenLog, 'lastMonth'> & { lastMonthClasses: number };
  services: ServiceFigures[];
  snapshot: SnapshotFigures & { timings: SnapshotTiming[] };
}

/** The empty log: as a fresh platform leaves it after its first start. */
async function emptyLog(nats: NatsAccess): Promise<void> {
  const nc = await nats.connect('tools', 'hrm-bench-startup');
  try {
    await freshLog(await EventStore.open(nc));
  } finally {
    await nc.drain();
  }
}

export async function runStartup(
  options: StartupOptions,
  progress: (line: string) => void,
): Promise<StartupResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-bench-startup-'));
  // Postgres runs as its own user when we are root: it must reach its data directory.
  fs.chmodSync(dir, 0o755);
  const stoppers: Array<() => Promise<void>> = [];
  try {
    const authedServer = async (name: string) => {
      const auth = await prepareNatsAuth(path.join(dir, `${name}-auth`));
      const server = await NatsServer.start({ dataDir: path.join(dir, name), auth: auth.serverConfig });
      stoppers.push(() => server.stop());
      return natsAccess(server.url, auth);
    };
    const empty = await authedServer('nats-empty');
    const year = await authedServer('nats-year');
    let databaseUrl = process.env.DATABASE_URL;
    if (databaseUrl === undefined) {
      const postgres = await LocalPostgres.start({ dataDir: path.join(dir, 'pg'), database: 'hrm' });
      stoppers.push(() => postgres.stop());
      databaseUrl = postgres.url('hrm');
    }
    await migrateDatabase(databaseUrl);
    await emptyLog(empty);
    progress(`writing ${options.endedClasses} ended classes to ${year.url}`);
    const written = await writeYear(
      year,
      { endedClasses: options.endedClasses, now: Date.now(), seed: options.seed, hrEveryS: options.hrEveryS },
      progress,
    );
    progress(
      `written ${written.events} events (${written.heartRateEvents} heart-rate) in ${written.seconds} s, ` +
        `${written.eventsPerS}/s, ${Math.round(written.bytes / 2 ** 20)} MiB; ${written.indexed} classes indexed`,
    );
    const adminToken = `bench_${crypto.randomBytes(18).toString('hex')}`;
    const targets: Record<LogSide, StartTarget> = {
      empty: { nats: empty, databaseUrl, adminToken, side: 'empty' },
      year: { nats: year, databaseUrl, adminToken, side: 'year' },
    };
    const services: ServiceFigures[] = [];
    for (const service of startupServices) {
      const starts: MeasuredStart[] = [];
      for (let repetition = -options.warmup; repetition < options.repeat; repetition++) {
        for (const side of sidesOf(repetition + options.warmup)) {
          const start = await measureStart(service, targets[side], {
            readyTimeoutS: options.readyTimeoutS,
            settleS: options.settleS,
            name: `${service}-startup-${side}-${repetition + options.warmup}`,
            onLine: (line) => progress(`[${service} ${side}] ${line}`),
          });
          const what = repetition < 0 ? 'warm-up' : `${repetition + 1}/${options.repeat}`;
          progress(`${service} on the ${side} log (${what}): ${JSON.stringify(start)}`);
          if (repetition >= 0) starts.push(start);
        }
      }
      const figures = serviceFigures(service, starts);
      progress(`${service}: ready ×${figures.ratios.ready}, RSS ×${figures.ratios.rss}`);
      services.push(figures);
    }
    const realtime = await startService('realtime', targets.year, {
      readyTimeoutS: options.readyTimeoutS,
      name: 'realtime-startup-screens',
      onLine: (line) => progress(`[realtime screens] ${line}`),
    });
    let timings: SnapshotTiming[];
    try {
      timings = await timeSnapshots(
        realtime.url,
        adminToken,
        spreadPick(written.lastMonth, options.snapshots),
      );
    } finally {
      await realtime.child.stop();
    }
    if (timings.length === 0) throw new Error('no class ended last month: write more classes');
    const snapshot = { ...snapshotFigures(timings.map((timing) => timing.ms)), timings };
    progress(`snapshots of ended classes of last month: median ${snapshot.medianMs} ms`);
    const { lastMonth, ...log } = written;
    return { log: { ...log, lastMonthClasses: lastMonth.length }, services, snapshot };
  } finally {
    for (const stop of stoppers.reverse()) await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
