// The ingest loop: one durable consumer on the ingress stream, shared by every
// ingest instance (work-queue style). A message is acked only once its
// heart-rate events are stored in JetStream, so a crash loses nothing; their
// ids make the redelivered copies duplicates that JetStream and history drop.
import type { JsMsg } from '@nats-io/jetstream';
import {
  GATEWAY_MAX_FUTURE_MS,
  eventSubjects,
  gatewaySubjects,
  parseGatewaySubject,
  streams,
  type RecordedSample,
  type Sample,
} from '#contracts';
import type { Logger } from '#config';
import {
  Following,
  InvalidEventError,
  OpenClasses,
  type EventStore,
  type LogReader,
  type OpenClassesOptions,
} from '#eventstore';
import type { Metrics } from '#platform';
import type { DeviceStatusRecorder } from './device-status-recorder.js';
import { heartRateBatch, recordedSample } from './heart-rate-events.js';
import { pullLoop, receivedAtOf, type DeadLetters } from './ingress-consumer.js';
import { unknownStudio, type StudioCheck } from './known-studio.js';
import { WATCH_AFTER_END_MS } from './max-hr-watcher.js';
import { parseIngress } from './parse-ingress.js';
import { SessionDirectory, type Assignment } from './session-directory.js';

export const INGEST_CONSUMER = 'ingest';

export interface IngestorOptions {
  batchSize: number;
  ackWaitMs?: number;
  /** Gateway messages whose events are being published at once (1: one message at a time). */
  inFlight?: number;
  /** How far a sample's ts may be ahead of when the message was received (`INGEST_MAX_FUTURE_MS`). */
  maxFutureMs?: number;
  /** How ingest keeps classes (tests shorten it); see KEEP_ENDED_MS. */
  classes?: Partial<OpenClassesOptions>;
}

/**
 * How long an ended class stays in memory after its end or its last sample:
 * at least the max-HR watcher's `afterEndMs`, which follows a class that long
 * after its end. Later samples of it load it again from its subject.
 */
export const KEEP_ENDED_MS = Math.max(5 * 60_000, WATCH_AFTER_END_MS);

export class SampleIngestor {
  readonly directory = new SessionDirectory();
  /** The classes ingest holds: open ones, and ended ones for their late samples. */
  readonly classes: OpenClasses;
  /** The pull loop on the ingress stream. */
  private readonly reading: Following;
  private running = false;
  private loop: Promise<void> | null = null;
  /** The tail of the chain that keeps each message's directory work in log order. */
  private ordered: Promise<unknown> = Promise.resolve();
  private readonly count;

  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly deadLetters: DeadLetters,
    private readonly recorder: DeviceStatusRecorder,
    private readonly studios: StudioCheck,
    private readonly options: IngestorOptions,
  ) {
    this.reading = new Following(`consumer ${INGEST_CONSUMER}`, logger);
    const keepEndedMs = options.classes?.keepEndedMs ?? KEEP_ENDED_MS;
    // A class that ended shortly before this start is loaded with the open ones: the max-HR watcher follows it.
    this.classes = new OpenClasses(store, logger, {
      keepEndedMs,
      loadEndedWithinMs: keepEndedMs,
      ...options.classes,
    });
    this.classes.listen(this.directory);
    this.count = {
      accepted: metrics.counter('hrm_ingest_samples_accepted_total', 'Samples turned into heart-rate events'),
      unassigned: metrics.counter(
        'hrm_ingest_samples_unassigned_total',
        'Samples of devices in no live class',
      ),
    };
    const classesHeld = metrics.gauge('hrm_ingest_classes_held', 'Classes ingest holds in memory');
    metrics.collect(() => classesHeld(this.directory.size));
  }

  get ready(): boolean {
    return this.running;
  }

  /** Its readers of the log (the class subjects' tail, the samples' pull loop), for /healthz. */
  get readers(): LogReader[] {
    return [...this.classes.readers, this.reading];
  }

  /** How many classes it holds in memory: the open ones, and ended ones kept for their late samples. */
  get classesHeld(): number {
    return this.directory.size;
  }

  async start(): Promise<void> {
    await this.classes.start();
    await this.store.ensureDurable(streams.ingress.name, INGEST_CONSUMER, gatewaySubjects.allSamples, {
      ackWaitMs: this.options.ackWaitMs ?? 30_000,
      maxAckPending: 20_000,
    });
    this.running = true;
    this.loop = this.run();
    this.logger.info('ingesting', { position: this.classes.position, classes: this.directory.size });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.classes.stop();
  }

  private run(): Promise<void> {
    return pullLoop(
      this.store,
      INGEST_CONSUMER,
      this.options.batchSize,
      () => this.running,
      async (message) => {
        try {
          await this.ingest(message);
          message.ack();
        } catch (error) {
          await this.failed(message, error);
        }
      },
      this.logger,
      this.options.inFlight ?? 1,
      this.reading,
    );
  }

  /** A message we can never turn into events goes to the dead letters; anything else is retried. */
  private async failed(message: JsMsg, error: unknown): Promise<void> {
    if (error instanceof InvalidEventError) {
      const subject = parseGatewaySubject(message.subject);
      await this.deadLetters
        .publish(message, subject?.studioId, subject?.gatewayId, error.message)
        .then(() => message.ack())
        .catch(() => message.nak(1000));
      return;
    }
    // NATS unavailable or the like: JetStream gives it to us (or another instance) again.
    this.logger.warn('ingest failed; message will be redelivered', { seq: message.seq, error });
    message.nak(1000);
  }

  /**
   * Turns a gateway message into events and stores them; resolves once
   * JetStream holds them all. Messages are turned into events one after the
   * other, in the order they came (the session directory sees samples in log
   * order, and events are published in that order); the publishes of several
   * messages are in flight together.
   */
  async ingest(message: JsMsg): Promise<void> {
    const turn = this.ordered.then(() => this.issue(message));
    this.ordered = turn.catch(() => undefined);
    const { stored } = await turn;
    await stored;
  }

  /** Issues the message's publishes; `stored` settles when they are acknowledged. */
  private async issue(message: JsMsg): Promise<{ stored: Promise<void> }> {
    const parsed = parseIngress(message.subject, message.data, {
      receivedAt: receivedAtOf(message),
      maxFutureMs: this.options.maxFutureMs ?? GATEWAY_MAX_FUTURE_MS,
    });
    if (!parsed.ok)
      return {
        stored: this.deadLetters.publish(
          message,
          parsed.subject?.studioId,
          parsed.subject?.gatewayId,
          parsed.reason,
        ),
      };
    const { studioId, gatewayId } = parsed.subject;
    // Before anything is recorded: a studio that does not exist gets no device status either.
    const unknown = await unknownStudio(this.studios, studioId);
    if (unknown !== null) return { stored: this.deadLetters.publish(message, studioId, gatewayId, unknown) };
    const { samples } = parsed.batch;
    // Every strap heard counts as seen, paired or not, in a class or not.
    this.recorder.observe(
      samples.map((sample) => ({
        studioId,
        deviceId: sample.deviceId,
        gatewayId,
        seenAt: sample.ts,
        battery: sample.battery,
        rssi: sample.rssi,
      })),
    );
    const origin = { studioId, gatewayId, seq: parsed.batch.seq, streamSeq: message.seq };
    const recordedAt = Date.now();
    const assignments = await this.assign(studioId, samples);
    const publishes: Array<Promise<unknown>> = [];
    // One heart-rate event per class the message's samples belong to (usually one).
    const classes = new Map<string, { samples: RecordedSample[]; seen: Set<string> }>();
    let accepted = 0;
    let unassigned = 0;
    for (const [index, sample] of samples.entries()) {
      const assignment = assignments[index] ?? null;
      if (assignment === null) {
        unassigned++;
        continue;
      }
      let batch = classes.get(assignment.sessionId);
      if (batch === undefined) {
        batch = { samples: [], seen: new Set() };
        classes.set(assignment.sessionId, batch);
      }
      // The same athlete and instant twice in one message is one reading.
      const key = `${assignment.participantId}:${sample.ts}`;
      if (batch.seen.has(key)) continue;
      batch.seen.add(key);
      // Stamped with the max the directory knows now; raises are decided from the log (MaxHrWatcher).
      batch.samples.push(recordedSample(sample, assignment));
      accepted++;
    }
    for (const [sessionId, ofClass] of classes) {
      // An ended class that still gets samples is kept a while longer.
      this.classes.touch(sessionId);
      // Validated like every event on its way into the log; the id is the dedupe key.
      const event = heartRateBatch(sessionId, ofClass.samples, origin, recordedAt);
      publishes.push(
        this.store.append(eventSubjects.heartRate(sessionId, gatewayId), [event], { expected: 'any' }),
      );
    }
    const stored = Promise.all(publishes).then(() => {
      if (accepted > 0) this.count.accepted({ studio: studioId }, accepted);
      if (unassigned > 0) this.count.unassigned({ studio: studioId }, unassigned);
    });
    // Handled by the caller of ingest(); never an unhandled rejection meanwhile.
    stored.catch(() => undefined);
    return { stored };
  }

  /**
   * Who wears each sample's strap at its time. A sample of no one may belong
   * to a class whose events are not read yet (wait for them), or to one that
   * ended before this start or was let go since (a gateway's buffered
   * samples): load it from its subject. Straps heard in no class cost no load.
   */
  private async assign(studioId: string, samples: Sample[]): Promise<Array<Assignment | null>> {
    const assignmentsNow = () =>
      samples.map((sample) => this.directory.assignmentFor(studioId, sample.deviceId, sample.ts));
    let assignments = assignmentsNow();
    if (!assignments.includes(null)) return assignments;
    await this.catchUpWithSessions();
    assignments = assignmentsNow();
    const ended = new Set<string>();
    const looked = new Set<number>();
    for (const [index, sample] of samples.entries()) {
      if (assignments[index] !== null || looked.has(sample.ts)) continue;
      looked.add(sample.ts);
      for (const sessionId of this.classes.recentlyEnded(studioId, sample.ts)) ended.add(sessionId);
    }
    if (ended.size === 0) return assignments;
    await Promise.all([...ended].map((sessionId) => this.classes.load(sessionId)));
    return assignmentsNow();
  }

  /**
   * A sample of an unknown device may belong to a class whose start we have
   * not read yet: wait (briefly) until every session event is read.
   */
  private async catchUpWithSessions(): Promise<void> {
    const last = await this.store.lastSequenceOf(streams.events.name, eventSubjects.allSessions);
    await this.classes.caughtUpWith(last, 2000);
  }
}
