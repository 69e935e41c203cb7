// Runs a projection from a durable consumer into Postgres. The checkpoint is
// written in the same transaction as the read model, and messages are acked
// only after the commit: a crash between commit and ack makes JetStream
// redeliver, and the checkpoint makes the redelivery a no-op.
import type { JsMsg } from '@nats-io/jetstream';
import type { Db, Prisma } from '#db';
import type { Logger } from '#config';
import { decodeEvent, type StoredEvent } from './codec.js';
import type { EventStore } from './event-store.js';

export type Tx = Prisma.TransactionClient;

export interface Projection {
  /** Also the durable consumer's name and the checkpoint's key. */
  name: string;
  stream: string;
  filterSubject: string;
  /** Applies events that are new to this projection, in log order, inside the transaction. */
  apply(tx: Tx, events: StoredEvent[]): Promise<void>;
}

export interface ProjectionRunnerOptions {
  batchSize?: number;
  ackWaitMs?: number;
  /** Test seam: runs after the commit and before the acks (a crash there must lose nothing). */
  afterCommit?: (position: number) => Promise<void>;
}

export class ProjectionRunner {
  private active = false;
  private loop: Promise<void> | null = null;
  private committed = 0;
  private readonly waiters = new Set<{ seq: number; resolve: () => void }>();

  constructor(
    private readonly store: EventStore,
    private readonly db: Db,
    private readonly projection: Projection,
    private readonly logger: Logger,
    private readonly options: ProjectionRunnerOptions = {},
  ) {}

  get running(): boolean {
    return this.active;
  }

  get position(): number {
    return this.committed;
  }

  async start(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    // One batch in flight across every instance keeps the log order.
    await this.store.ensureDurable(
      this.projection.stream,
      this.projection.name,
      this.projection.filterSubject,
      {
        ackWaitMs: this.options.ackWaitMs ?? 30_000,
        maxAckPending: batchSize,
      },
    );
    this.committed = await this.readCheckpoint();
    this.active = true;
    this.loop = this.run(batchSize);
  }

  async stop(): Promise<void> {
    this.active = false;
    await this.loop;
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
    const consumer = await this.store.js.consumers.get(this.projection.stream, this.projection.name);
    while (this.active) {
      const messages: JsMsg[] = [];
      try {
        const batch = await consumer.fetch({ max_messages: batchSize, expires: 1000 });
        for await (const message of batch) messages.push(message);
        if (messages.length > 0) await this.handle(messages);
      } catch (error) {
        this.logger.error('projection batch failed; it will be redelivered', {
          projection: this.projection.name,
          error,
        });
        for (const message of messages) message.nak(1000);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async handle(messages: JsMsg[]): Promise<void> {
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
          this.logger.error('skipping an invalid event', {
            subject: message.subject,
            seq: message.seq,
            reason: decoded.reason,
          });
      }
      if (last === checkpoint) return checkpoint;
      await this.projection.apply(tx, fresh);
      await tx.projectionCheckpoint.update({
        where: { name: this.projection.name },
        data: { position: BigInt(last) },
      });
      return last;
    });
    this.advance(position);
    await this.options.afterCommit?.(position);
    for (const message of messages) message.ack();
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

/** Creates the checkpoint row if needed and locks it for this transaction. */
async function lockCheckpoint(tx: Tx, name: string): Promise<number> {
  await tx.$executeRaw`INSERT INTO projection_checkpoints (name, position, updated_at) VALUES (${name}, 0, now()) ON CONFLICT (name) DO NOTHING`;
  const rows = await tx.$queryRaw<
    Array<{ position: bigint }>
  >`SELECT position FROM projection_checkpoints WHERE name = ${name} FOR UPDATE`;
  return Number(rows[0]?.position ?? 0n);
}
