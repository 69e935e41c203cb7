// The history scenario: a class of `athletes` × `minutes` at 1 Hz, stored by
// the API's projection (its write rate is measured on the way), then each
// history endpoint timed over HTTP, interleaved run by run so the machine's
// noise falls on all of them alike, against a baseline timed in the same run.
import { jetstream } from '@nats-io/jetstream';
import pg from 'pg';
import { ApiClient } from '../stack/api-client.js';
import type { HistoryOptions } from './cli.js';
import { startBenchStack } from './bench-stack.js';
import { benchHeartRate, createBenchClass, publishAll } from './history-class.js';
import { ratio, timing, type Timing } from './stats.js';

export interface Endpoint {
  name: string;
  path: string;
  /** What it is there for, in the report. */
  note: string;
}

export interface EndpointResult extends Endpoint, Timing {
  ratio: number;
  bytes: number;
}

export interface HistoryResult {
  samples: number;
  sessionId: string;
  load: { publishPerS: number; storedPerS: number; storeLagMs: number };
  postgres: string;
  baseline: string;
  endpoints: EndpointResult[];
}

const BASELINE = 'class view';

export function historyEndpoints(sessionId: string, participantId: string): Endpoint[] {
  const base = `/api/v1/sessions/${sessionId}`;
  return [
    {
      name: BASELINE,
      path: base,
      note: 'baseline: same HTTP, auth, class scope check and Prisma round trips, one small row, no samples',
    },
    { name: 'healthz', path: '/healthz', note: 'HTTP alone, for reference' },
    { name: 'summary', path: `${base}/summary`, note: 'every sample of the class, folded per athlete' },
    { name: 'heart-rate 5s', path: `${base}/heart-rate?bucket=5s`, note: 'every athlete, 5 s buckets' },
    { name: 'heart-rate 60s', path: `${base}/heart-rate?bucket=60s`, note: 'every athlete, 60 s buckets' },
    {
      name: 'heart-rate 5s, one athlete',
      path: `${base}/heart-rate?bucket=5s&participantId=${participantId}`,
      note: 'one athlete, 5 s buckets',
    },
    { name: 'heart-rate raw', path: `${base}/heart-rate`, note: 'every sample as JSON' },
    { name: 'export.csv', path: `${base}/export.csv`, note: 'every sample as CSV, streamed' },
  ];
}

async function timeOnce(url: string, token: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.arrayBuffer();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return { ms, bytes: body.byteLength };
}

async function storedCount(databaseUrl: string, sessionId: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM hr_samples WHERE session_id = $1',
      [sessionId],
    );
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

async function sql(databaseUrl: string, text: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<Record<string, unknown>>(text);
    return String(Object.values(result.rows[0] ?? {})[0] ?? '');
  } finally {
    await client.end();
  }
}

export async function runHistory(
  options: HistoryOptions,
  progress: (line: string) => void,
): Promise<HistoryResult> {
  const stack = await startBenchStack(progress);
  try {
    const api = new ApiClient(stack.apiUrl, stack.adminToken);
    const session = await createBenchClass(api, options.athletes, options.seed);
    progress(`class ${session.id}: ${session.participants.length} athletes, live`);

    // Heart-rate events as ingest writes them, with ingest's user.
    const nc = await stack.nats.connect('ingest', 'hrm-bench');
    const expectedTotal = options.athletes * options.minutes * 60;
    const publishStarted = performance.now();
    let lastShown = 0;
    const samples = await publishAll(
      jetstream(nc),
      benchHeartRate(session, options.minutes, options.seed),
      (n) => {
        if (n - lastShown >= expectedTotal / 10) {
          lastShown = n;
          progress(`published ${n} samples`);
        }
      },
    );
    const publishedMs = performance.now() - publishStarted;
    await nc.drain();

    let stored = 0;
    let storedShown = 0;
    while (stored < samples) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      stored = await storedCount(stack.databaseUrl, session.id);
      if (stored - storedShown >= samples / 10 || stored >= samples) {
        storedShown = stored;
        progress(`stored ${stored} / ${samples}`);
      }
    }
    const storedMs = performance.now() - publishStarted;
    // A finished class has been vacuumed and analysed by autovacuum long before anyone reads its history.
    await sql(stack.databaseUrl, 'VACUUM (ANALYZE) hr_samples');
    const postgres = await sql(stack.databaseUrl, 'SHOW server_version');

    const first = session.participants[0]?.participantId ?? '';
    const endpoints = historyEndpoints(session.id, first);
    for (const endpoint of endpoints) {
      for (let i = 0; i < options.warmup; i++) await timeOnce(stack.apiUrl + endpoint.path, stack.adminToken);
    }
    progress(`warmed up (${options.warmup} calls each)`);
    const times = new Map(endpoints.map((endpoint) => [endpoint.name, [] as number[]]));
    const bytes = new Map<string, number>();
    for (let run = 1; run <= options.runs; run++) {
      for (const endpoint of endpoints) {
        const result = await timeOnce(stack.apiUrl + endpoint.path, stack.adminToken);
        times.get(endpoint.name)?.push(result.ms);
        bytes.set(endpoint.name, result.bytes);
      }
      if (run % Math.max(1, Math.floor(options.runs / 10)) === 0 || run === options.runs) {
        progress(`run ${run}/${options.runs}`);
      }
    }
    const baseline = timing(times.get(BASELINE) ?? []);
    return {
      samples,
      sessionId: session.id,
      load: {
        publishPerS: Math.round(samples / (publishedMs / 1000)),
        storedPerS: Math.round(samples / (storedMs / 1000)),
        storeLagMs: Math.round(storedMs - publishedMs),
      },
      postgres,
      baseline: BASELINE,
      endpoints: endpoints.map((endpoint) => {
        const measured = timing(times.get(endpoint.name) ?? []);
        return {
          ...endpoint,
          ...measured,
          ratio: ratio(measured, baseline),
          bytes: bytes.get(endpoint.name) ?? 0,
        };
      }),
    };
  } finally {
    await stack.stop();
  }
}
