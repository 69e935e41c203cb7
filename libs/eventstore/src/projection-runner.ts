// Runs a projection from the log into Postgres. The checkpoint (the stream
// sequence of the last event applied) is written in the same transaction as
// the read model, and it is the only record of progress: the runner reads the
// log in order from checkpoint + 1, so a crash after the commit resumes right
// after it, and a crash before the commit re-reads the batch. Nothing is lost
// and nothing is applied twice. (A durable consumer's acks would be a second
// record of progress that can disagree with the first: a batch redelivered
// after a later one was committed would be skipped.)
//
// Several instances may run the same projection: the checkpoint row is
// locked per batch, and each instance skips what another already applied.
//
// A batch the database refuses (not an outage: see describeDbError) is
// applied again one event at a time, each in its own transaction with the
// checkpoint; an event refused PARK_AFTER_ATTEMPTS times is parked
// (projection-failures.ts) and the checkpoint moves past it, so one bad event
// never stops the others. An outage is thrown to the run loop, which waits
// and reads again from the checkpoint, parking nothing.
import { DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { z } from 'zod';
import { describeDbError, parseRows, wholeNumber, type Db, type DbErrorInfo, type Prisma } from '#db';
import type { Logger } from '#config';
import type { Metrics } from '#platform';
import { decodeEvent, type StoredEvent } from './codec.js';
import { endOnTrouble } from './connection-events.js';
import type { EventStore } from './event-store.js';
import {
  INVALID_EVENT_CODE,
  ParkedMetrics,
  recordParked,
  replayParked,
  type ParkedEvent,
  type ReplayResult,
} from './projection-failures.js';
import { Following, LogUnavailableError, type LogReader, type ReaderStatus } from './following.js';

export type Tx = Prisma.TransactionClient;

export interface Projection {
  /** The checkpoint's key. */
  name: string;
  stream: string;
  filterSubject: string;
  /** Applies events that are new to this projection, in log order, inside the transaction. */
  apply(tx: Tx, events: StoredEvent[]): Promise<void>;
}

/** Attempts at one event, alone in its transaction, before it is parked. */
export const PARK_AFTER_ATTEMPTS = 3;

export interface ProjectionRunnerOptions {
  batchSize?: number;
  /** Where parked events are counted (hrm_projection_events_parked_total and _parked). */
  metrics?: Metrics;
  /** Test seam: runs after each commit (a crash there must lose nothing and double nothing). */
  afterCommit?: (position: number) => Promise<void>;
}

export class ProjectionRunner implements LogReader {
  private active = false;
  private readonly following: Following;
  private untrack: () => void = () => undefined;
  private loop: Promise<void> | null = null;
  private committed = 0;
  private readonly waiters = new Set<{ seq: number; resolve: () => void }>();
  private readonly parkedMetrics: ParkedMetrics | null;

  constructor(
    private readonly store: EventStore,
    private readonly db: Db,
    private readonly projection: Projection,
    private readonly logger: Logger,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.parkedMetrics = options.metrics ? new ParkedMetrics(options.metrics) : null;
    this.following = new Following(`projection ${projection.name} (${projection.filterSubject})`, logger);
  }

  get running(): boolean {
    return this.active;
  }

  get reader(): string {
    return this.following.reader;
  }

  /** Whether this runner reads the log right now (for /healthz). */
  status(): ReaderStatus {
    return this.following.status();
  }

  get position(): number {
    return this.committed;
  }

  /** Starts reading; a database or NATS that is not there yet is waited for, not fatal. */
  async start(): Promise<void> {
    this.active = true;
    void this.refreshParkedGauge();
    this.untrack = this.store.track(this);
    this.loop = this.run(this.options.batchSize ?? 500);
  }

  async stop(): Promise<void> {
    this.active = false;
    await this.loop;
    this.untrack();
  }

  /**
   * Resolves once the read model includes the event at `seq` (read-your-writes
   * for commands), applied by this instance or, seen through the checkpoint, another.
   */
  async waitFor(seq: number, timeoutMs = 5000): Promise<boolean> {
    if (this.committed >= seq) return true;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.committed >= seq) return true;
      const notified = await this.notifiedWithin(seq, 100);
      if (notified || (await this.readCheckpoint()) >= seq) return true;
    }
    return false;
  }

  private notifiedWithin(seq: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private async run(batchSize: number): Promise<void> {
    while (this.active) {
      try {
        // In log order from the first event not yet applied.
        this.committed = await this.readCheckpoint();
        const consumer = await readingLog(() =>
          this.store.readerJs.consumers.get(this.projection.stream, {
            filter_subjects: this.projection.filterSubject,
            deliver_policy: DeliverPolicy.StartSequence,
            opt_start_seq: this.committed + 1,
          }),
        );
        this.following.resumed();
        while (this.active) {
          // Each fetch ends within a second, so stop() never waits on an idle log.
          const messages = await readingLog(() => consumer.fetch({ max_messages: batchSize, expires: 1000 }));
          // A fetch NATS stopped answering ends at once, and the loop starts again from the checkpoint.
          const unwatch = endOnTrouble(messages, this.store.connectionEvents, this.following);
          let batch: JsMsg[] = [];
          try {
            for await (const message of fromLog(messages)) {
              batch.push(message);
              // Apply at once when caught up (a command waits for it), or when the batch is full.
              if (message.info.pending === 0 || batch.length >= batchSize) {
                await this.handle(batch);
                batch = [];
              }
            }
          } finally {
            unwatch();
          }
          if (batch.length > 0) await this.handle(batch);
        }
      } catch (error) {
        // The log away is logged once (and shown by /healthz), not once per retry; heartbeats
        // missed alone (this process busy?) are pulled again at once.
        if (error instanceof LogUnavailableError) {
          if (error.heartbeatsMissed) continue;
          this.following.lost(error.message);
        } else
          this.logger.error('projection batch failed; retrying from the checkpoint', {
            projection: this.projection.name,
            error,
          });
        await new Promise((resolve) => setTimeout(resolve, error instanceof LogUnavailableError ? 250 : 500));
      }
    }
    this.following.stopped();
  }

  private async handle(messages: JsMsg[]): Promise<void> {
    let position: number;
    try {
      position = await this.commit(messages);
    } catch (error) {
      // An outage: the run loop waits and reads again from the checkpoint.
      if (isOutage(error)) throw error;
      position = await this.commitOneByOne(messages);
    }
    this.advance(position);
    await this.options.afterCommit?.(position);
  }

  /** Applies `messages` past the checkpoint in one transaction; returns the new checkpoint. */
  private async commit(messages: JsMsg[]): Promise<number> {
    const invalid: ParkedEvent[] = [];
    const position = await this.db.$transaction(async (tx) => {
      const checkpoint = await lockCheckpoint(tx, this.projection.name);
      const fresh: StoredEvent[] = [];
      let last = checkpoint;
      for (const message of messages) {
        if (message.seq <= checkpoint) continue;
        last = Math.max(last, message.seq);
        const decoded = decodeEvent(message.data);
        if (decoded.ok) fresh.push({ seq: message.seq, subject: message.subject, event: decoded.event });
        else
          invalid.push(this.parkedEvent(message, { code: INVALID_EVENT_CODE, message: decoded.reason }, 1));
      }
      if (last === checkpoint) return checkpoint;
      await this.projection.apply(tx, fresh);
      await recordParked(tx, invalid);
      await this.moveCheckpoint(tx, last);
      return last;
    });
    for (const parked of invalid) this.reportParked(parked);
    return position;
  }

  /** After a refused batch: each event alone, so only the one at fault is parked. */
  private async commitOneByOne(messages: JsMsg[]): Promise<number> {
    let position = this.committed;
    for (const message of messages) {
      position = await this.commitOrPark(message);
      this.advance(position);
    }
    return position;
  }

  private async commitOrPark(message: JsMsg): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.commit([message]);
      } catch (error) {
        if (isOutage(error)) throw error;
        const failure = describeDbError(error);
        if (attempt >= PARK_AFTER_ATTEMPTS) return this.park(this.parkedEvent(message, failure, attempt));
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  /** Records the event as parked and moves the checkpoint past it, in one transaction. */
  private async park(parked: ParkedEvent): Promise<number> {
    const position = await this.db.$transaction(async (tx) => {
      const checkpoint = await lockCheckpoint(tx, this.projection.name);
      if (parked.seq <= checkpoint) return checkpoint; // another instance got past it meanwhile
      await recordParked(tx, [parked]);
      await this.moveCheckpoint(tx, parked.seq);
      return parked.seq;
    });
    if (position === parked.seq) this.reportParked(parked);
    return position;
  }

  private parkedEvent(message: JsMsg, error: Pick<DbErrorInfo, 'code' | 'message'>, attempts: number) {
    const { name, stream } = this.projection;
    return { projection: name, stream, seq: message.seq, subject: message.subject, error, attempts };
  }

  /** Once per parked event: the one error line an operator needs, and the metrics. */
  private reportParked(parked: ParkedEvent): void {
    this.logger.error('parked an event the projection cannot apply; see projection_failures', {
      projection: parked.projection,
      seq: parked.seq,
      subject: parked.subject,
      code: parked.error.code,
      reason: parked.error.message,
      attempts: parked.attempts,
    });
    this.parkedMetrics?.parked(parked.projection);
    void this.refreshParkedGauge();
  }

  private async refreshParkedGauge(): Promise<void> {
    await this.parkedMetrics?.refresh(this.db, this.projection.name).catch(() => undefined);
  }

  /**
   * Applies a parked event of this projection again (after a fix) and marks it
   * resolved; an outage is thrown, a refusal leaves it parked.
   */
  async replay(failureId: bigint): Promise<ReplayResult | null> {
    const failure = await this.db.projectionFailure.findUnique({ where: { id: failureId } });
    if (failure === null || failure.projection !== this.projection.name) return null;
    const result = await replayParked(this.store, this.db, this.projection, failure);
    await this.refreshParkedGauge();
    return result;
  }

  private async moveCheckpoint(tx: Tx, position: number): Promise<void> {
    await tx.projectionCheckpoint.update({
      where: { name: this.projection.name },
      data: { position: BigInt(position) },
    });
  }

  private advance(position: number): void {
    this.committed = Math.max(this.committed, position);
    for (const waiter of this.waiters) {
      if (waiter.seq <= this.committed) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private async readCheckpoint(): Promise<number> {
    const row = await this.db.projectionCheckpoint.findUnique({ where: { name: this.projection.name } });
    return row === null ? 0 : Number(row.position);
  }
}

/** The database away, or the log a projection reads a class back from: waited out, never parked. */
const isOutage = (error: unknown): boolean =>
  error instanceof LogUnavailableError || describeDbError(error).transient;

const checkpointRow = z.object({ position: wholeNumber });

/** Creates the checkpoint row if needed and locks it for this transaction. */
async function lockCheckpoint(tx: Tx, name: string): Promise<number> {
  await tx.$executeRaw`INSERT INTO projection_checkpoints (name, position, updated_at) VALUES (${name}, 0, now()) ON CONFLICT (name) DO NOTHING`;
  const [row] = parseRows(
    checkpointRow,
    await tx.$queryRaw`SELECT position FROM projection_checkpoints WHERE name = ${name} FOR UPDATE`,
  );
  return row?.position ?? 0;
}

/** A request to JetStream whose failure means the log cannot be read right now. */
async function readingLog<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw asLogUnavailable(error);
  }
}

/** The fetched messages; a failure of the fetch itself (not of handling them) is a LogUnavailableError. */
async function* fromLog(messages: AsyncIterable<JsMsg>): AsyncGenerator<JsMsg> {
  try {
    for await (const message of messages) yield message;
  } catch (error) {
    throw asLogUnavailable(error);
  }
}

function asLogUnavailable(error: unknown): LogUnavailableError {
  return error instanceof LogUnavailableError
    ? error
    : new LogUnavailableError(error instanceof Error ? error.message : String(error));
}
