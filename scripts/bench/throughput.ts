// The throughput scenario: simulated gateways publish samples over the public
// contract to the real pipeline (ingest and the API's projection, as
// processes), at a rate raised step by step. Each step holds its rate while
// the backlog is watched; it is sustained when the backlog stops growing and
// history then holds every published sample exactly once. Bare JetStream on
// the same server, with the same messages, is the baseline of the same run.
// The server runs the platform's auth: each gateway publishes over its own
// connection with its own credentials; the baseline and the backlog watch
// connect as the tools user.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { streams } from '#contracts';
import { ApiClient } from '../stack/api-client.js';
import { runBareJetStream, type BareResult } from './bare-jetstream.js';
import { startBenchStack } from './bench-stack.js';
import type { ThroughputOptions } from './cli.js';
import { summarizeProfile, type ProfileSummary } from './cpu-profile.js';
import { GatewayConnections } from './gateway-connections.js';
import { GatewayFleet, Publisher, publishAtRate, sampleStepMs } from './gateway-fleet.js';
import { createGatewayClasses } from './history-class.js';
import { ResourceWatch, type ResourceFigure } from './resources.js';
import { median } from './stats.js';
import { DEFAULT_RULE, judgeStep, stepRates, type BacklogPoint, type StepVerdict } from './sustain.js';

const INGEST_CONSUMER = 'ingest';
const HEART_RATE_PROJECTION = 'api-heart-rate';

export interface StepResult {
  targetPerS: number;
  publishedPerS: number;
  published: number;
  messages: number;
  /** Samples waiting in the pipeline during the second half of the hold. */
  backlogMedian: number;
  backlogMax: number;
  /** HR events not yet in Postgres during the second half of the hold, and that in time at the rate. */
  projectionLagEvents: number;
  projectionLagMs: number;
  /** From the last publish acked to the last sample stored; null when it never drained. */
  historyLagMs: number | null;
  stored: number;
  distinct: number;
  verdict: StepVerdict;
  resources: ResourceFigure[];
}

export interface ThroughputResult {
  athletes: number;
  sampleStepMs: number;
  postgres: string;
  nats: string;
  steps: StepResult[];
  sustained: StepResult | null;
  bare: BareResult;
  /** Sustained samples/s over bare JetStream's samples/s. */
  ratio: number | null;
  resources: ResourceFigure[];
  profile: (ProfileSummary & { service: string }) | null;
}

interface Backlog {
  ingestMessages: number;
  hrLast: number;
  checkpoint: number;
}

async function backlogNow(jsm: JetStreamManager, db: pg.Client): Promise<Backlog> {
  // In this order: once ingest has acked everything, the HR stream holds all its events.
  const consumer = await jsm.consumers.info(streams.ingress.name, INGEST_CONSUMER);
  const hr = await jsm.streams.info(streams.heartRate.name);
  const row = await db.query<{ position: string }>(
    'SELECT position FROM projection_checkpoints WHERE name = $1',
    [HEART_RATE_PROJECTION],
  );
  return {
    ingestMessages: consumer.num_pending + consumer.num_ack_pending,
    hrLast: hr.state.last_seq,
    checkpoint: Number(row.rows[0]?.position ?? 0),
  };
}

async function historyCounts(
  db: pg.Client,
  sessionIds: string[],
): Promise<{ stored: number; distinct: number }> {
  const result = await db.query<{ stored: string; distinct: string }>(
    `SELECT count(*) AS stored, count(DISTINCT (session_id, participant_id, ts)) AS distinct
     FROM hr_samples WHERE session_id = ANY($1)`,
    [sessionIds],
  );
  return { stored: Number(result.rows[0]?.stored ?? 0), distinct: Number(result.rows[0]?.distinct ?? 0) };
}

export async function runThroughput(
  options: ThroughputOptions,
  progress: (line: string) => void,
): Promise<ThroughputResult> {
  const profileDir =
    options.profile === 'none' ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-bench-profile-'));
  const profileArgs = profileDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  const stack = await startBenchStack(progress, {
    ingest: true,
    nodeArgs: { [options.profile === 'none' ? 'api' : options.profile]: profileArgs },
  });
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const nc = await stack.nats.connect('tools', 'hrm-bench-throughput');
  let gatewayConnections: GatewayConnections | null = null;
  let result: Omit<ThroughputResult, 'profile'>;
  try {
    const api = new ApiClient(stack.apiUrl, stack.adminToken);
    const gateways = await createGatewayClasses(api, options.classes, options.athletes, progress);
    const sessionIds = gateways.map((gateway) => gateway.sessionId);
    const athletes = options.classes * options.athletes;
    const stepMs = options.sampleMs > 0 ? options.sampleMs : sampleStepMs(options.maxRate, athletes);
    progress(`${options.classes} classes, ${athletes} athletes; each athlete's samples ${stepMs} ms apart`);
    const fleet = new GatewayFleet(gateways, options.batch, stepMs);
    gatewayConnections = await GatewayConnections.open(stack.nats, gateways);
    const publisher = new Publisher(gatewayConnections.route);
    const jsm = await jetstreamManager(nc);
    const watch = new ResourceWatch(stack.processes);
    const runStarted = performance.now();
    const runBefore = watch.snapshot();
    const steps: StepResult[] = [];
    let published = 0;
    ladder: for (const rate of stepRates(options.startRate, options.step, options.maxRate)) {
      // A step that fails is tried once more: on a shared machine one stall (another
      // engineer's test suite) should not end the run; two in a row do.
      for (let attempt = 1; attempt <= 2; attempt++) {
        progress(`step ${rate} samples/s${attempt > 1 ? ', again' : ''}: holding ${options.holdS} s`);
        const context = { options, fleet, publisher, jsm, db, watch, sessionIds, progress };
        const step = await runStep(rate, context, published);
        published += step.published;
        steps.push(step);
        progress(
          `step ${rate}/s: ${step.verdict.sustained ? 'sustained' : `not sustained (${step.verdict.reasons.join('; ')})`}` +
            `, history lag ${step.historyLagMs ?? 'n/a'} ms`,
        );
        if (step.verdict.sustained) continue ladder;
        // Lost or doubled samples are not noise: no point in trying again.
        if (step.stored !== published || step.distinct !== step.stored) break ladder;
      }
      break;
    }
    const resources = watch.figures(runBefore, watch.snapshot(), performance.now() - runStarted);
    const sustained = [...steps].reverse().find((step) => step.verdict.sustained) ?? null;
    const reference = sustained ?? steps[0];
    const bareFleet = new GatewayFleet(gateways, options.batch, stepMs);
    const bare = await runBareJetStream(nc, bareFleet, Math.max(1, reference?.messages ?? 1), progress);
    progress(`bare JetStream: ${bare.messagesPerS} messages/s, ${bare.samplesPerS} samples/s`);
    const postgres = (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]
      ?.server_version;
    result = {
      athletes,
      sampleStepMs: stepMs,
      postgres: postgres ?? 'unknown',
      nats: nc.info?.version ?? 'unknown',
      steps,
      sustained,
      bare,
      ratio: sustained === null ? null : Math.round((sustained.targetPerS / bare.samplesPerS) * 1000) / 1000,
      resources,
    };
  } finally {
    await gatewayConnections?.close();
    await nc.drain().catch(() => undefined);
    await db.end().catch(() => undefined);
    await stack.stop();
  }
  return { ...result, profile: profileDir === null ? null : readProfile(profileDir, options.profile) };
}

function readProfile(dir: string, service: string): (ProfileSummary & { service: string }) | null {
  const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) return null;
  const summary = summarizeProfile(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
  fs.rmSync(dir, { recursive: true, force: true });
  return { service, ...summary };
}

interface StepContext {
  options: ThroughputOptions;
  fleet: GatewayFleet;
  publisher: Publisher;
  jsm: JetStreamManager;
  db: pg.Client;
  watch: ResourceWatch;
  sessionIds: string[];
  progress: (line: string) => void;
}

async function runStep(rate: number, context: StepContext, publishedBefore: number): Promise<StepResult> {
  const { options, fleet, publisher, jsm, db, watch, sessionIds, progress } = context;
  const before = watch.snapshot();
  const started = performance.now();
  const points: Array<BacklogPoint & { lag: number; ingest: number }> = [];
  const messagesBefore = publisher.acked;
  let publishing = true;
  const monitor = (async () => {
    while (publishing) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (!publishing) break;
      const backlog = await backlogNow(jsm, db);
      watch.snapshot();
      const lag = Math.max(0, backlog.hrLast - backlog.checkpoint);
      const atMs = performance.now() - started;
      points.push({
        atMs,
        // A gateway message is one class's batch, and ingest writes it as one heart-rate event.
        samples: (backlog.ingestMessages + lag) * options.batch,
        lag,
        ingest: backlog.ingestMessages,
      });
      if (points.length % 10 === 0) {
        progress(
          `  ${Math.round(atMs / 1000)} s: published ${publisher.ackedSamples - publishedBefore} samples, ` +
            `ingest backlog ${backlog.ingestMessages} messages, projection ${lag} events behind`,
        );
      }
    }
  })();
  const sent = await publishAtRate(fleet, publisher, options.batch, rate, options.holdS);
  publishing = false;
  await monitor;
  const drainStarted = performance.now();
  const drainLimitMs = Math.max(30_000, 3 * options.holdS * 1000);
  let historyLagMs: number | null = null;
  while (performance.now() - drainStarted < drainLimitMs) {
    const backlog = await backlogNow(jsm, db);
    if (backlog.ingestMessages === 0 && backlog.checkpoint >= backlog.hrLast) {
      historyLagMs = Math.round(performance.now() - drainStarted);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const counts = await historyCounts(db, sessionIds);
  const after = watch.snapshot();
  const published = publishedBefore + sent.samples;
  const publishedPerS = sent.samples / (sent.ms / 1000);
  const verdict = judgeStep(
    { targetPerS: rate, publishedPerS, backlog: points, published, ...counts },
    { ...DEFAULT_RULE, tolerance: options.tolerance },
  );
  if (historyLagMs === null)
    verdict.reasons.push(`history still behind ${drainLimitMs / 1000} s after publishing`);
  verdict.sustained &&= historyLagMs !== null;
  const half = points.slice(Math.floor(points.length / 2));
  const lagEvents = Math.round(median(half.map((point) => point.lag)) || 0);
  return {
    targetPerS: rate,
    publishedPerS: Math.round(publishedPerS),
    published: sent.samples,
    messages: publisher.acked - messagesBefore,
    backlogMedian: Math.round(median(half.map((point) => point.samples)) || 0),
    backlogMax: Math.max(0, ...points.map((point) => point.samples)),
    projectionLagEvents: lagEvents,
    // Each event is one gateway message of `batch` samples.
    projectionLagMs: Math.round(((lagEvents * options.batch) / rate) * 1000),
    historyLagMs,
    stored: counts.stored,
    distinct: counts.distinct,
    verdict,
    resources: watch.figures(before, after, performance.now() - started),
  };
}
