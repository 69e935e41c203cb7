// Ingest holds only open classes: an ended class is let go once its keep time
// has passed, a restarted ingest does not read it back, and yet a sample a
// gateway buffered during that class, arriving later, is still recorded for it
// (the class is loaded on demand). Real NATS and a real API; the ingestor runs
// in this process with a keep time of a second instead of minutes.
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import { sessionView } from '#contracts';
import { DeviceStatusStore, EventStore, StudioRegistry } from '#eventstore';
import { Metrics } from '#platform';
import { eventually, sleep, startTestStack, storedSamples, testLogger, type TestStack } from '#testing';
import { DeviceStatusRecorder } from '../apps/ingest/src/device-status-recorder.js';
import { DeadLetters } from '../apps/ingest/src/ingress-consumer.js';
import { SampleIngestor } from '../apps/ingest/src/sample-ingestor.js';
import { TestGateway } from './support/gateway.js';
import { expectStatus, setUpLiveClass, type LiveClass } from './support/live-class.js';

const STRAP = 'ant:120:41001';
const KEEP_ENDED_MS = 1000;

/** An ingest instance in this process, as apps/ingest/src/main.ts wires one. */
async function startIngest(
  nats: NatsConnection,
): Promise<{ ingestor: SampleIngestor; stop(): Promise<void> }> {
  const { logger } = testLogger('ingest', 'warn');
  const store = await EventStore.open(nats, { logger });
  await store.ensureStreams();
  const metrics = new Metrics();
  const studios = await StudioRegistry.open(nats);
  await studios.follow();
  const recorder = new DeviceStatusRecorder(await DeviceStatusStore.open(nats), logger, metrics, {
    intervalMs: 1000,
  });
  recorder.start();
  const ingestor = new SampleIngestor(
    store,
    logger,
    metrics,
    new DeadLetters(store, logger, metrics),
    recorder,
    studios,
    {
      batchSize: 16,
      classes: { keepEndedMs: KEEP_ENDED_MS, sweepEveryMs: 100 },
    },
  );
  await ingestor.start();
  return {
    ingestor,
    async stop() {
      await ingestor.stop();
      await recorder.stop();
      studios.stop();
    },
  };
}

describe('ingest holds open classes only, and still records the late samples of an ended one', () => {
  let stack: TestStack;
  let nats: NatsConnection;
  let live: LiveClass;
  let ingest: Awaited<ReturnType<typeof startIngest>> | null = null;

  beforeAll(async () => {
    stack = await startTestStack(['api']);
    // The ingest in this process connects as the ingest service does: with its user's credentials.
    nats = await stack.connectNats(fs.readFileSync(stack.natsAuth.creds.ingest, 'utf8'));
    live = await setUpLiveClass(stack, [STRAP]);
  }, 120_000);

  afterEach(async () => {
    await ingest?.stop();
    ingest = null;
  });

  afterAll(async () => {
    await nats?.close();
    await stack?.stop();
  });

  const stored = async () => (await storedSamples(stack.databaseUrl, live.sessionId)) ?? 0;

  it('lets the ended class go, and a restarted ingest records a sample of its window that comes late', async () => {
    const gateway = await TestGateway.connect(stack, live.studioId, 'gw-late');
    ingest = await startIngest(nats);
    expect(ingest.ingestor.classesHeld).toBe(1);
    const during = Date.now();
    await gateway.publish(during, [STRAP], () => 120);
    await eventually(async () => ((await stored()) === 1 ? true : undefined), 'the live sample in history');

    // The class runs a little longer: the late sample's time lies between the first sample and the end.
    await sleep(1000);
    const ended = sessionView.parse(
      await expectStatus(stack.api('POST', `/api/v1/sessions/${live.sessionId}/end`), 200),
    );
    const late = during + 500;
    expect(ended.endedAt).toBeGreaterThan(late);
    // Memory stays bounded: the ended class is let go once its keep time has passed.
    await eventually(
      async () => (ingest?.ingestor.classesHeld === 0 ? true : undefined),
      'the ended class let go',
      10_000,
    );

    await ingest.stop();
    ingest = await startIngest(nats);
    // Started after the class ended (longer ago than it keeps ended classes): it holds nothing.
    expect(ingest.ingestor.classesHeld).toBe(0);

    // A sample the gateway buffered while the class ran, sent only now.
    await gateway.publish(late, [STRAP], () => 130);
    await eventually(async () => ((await stored()) === 2 ? true : undefined), 'the late sample in history');
    // Loaded for that sample, then let go again once no sample of it came for the keep time.
    await eventually(
      async () => (ingest?.ingestor.classesHeld === 0 ? true : undefined),
      'the class let go again',
      10_000,
    );

    // A sample after the class's end belongs to no one: nothing more is recorded.
    await gateway.publish(Date.now(), [STRAP], () => 140);
    await sleep(1500);
    expect(await stored()).toBe(2);
  }, 90_000);
});
