// A live tail that owns its position: the stream sequence of the last event it
// handled. When NATS goes away (disconnect, reconnect, heartbeats missed, the
// consumer gone), it drops its ordered consumer and creates a new one from
// position + 1 as soon as JetStream answers again, so nothing is skipped and
// nothing is handled twice, and it resumes within a second or two instead of
// after nats.js's own backoff of up to `expires` (30 s) per attempt.
import {
  DeliverPolicy,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
} from '@nats-io/jetstream';
import type { Logger } from '#config';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeEvent, type StoredEvent } from './codec.js';
import type { EventStore } from './event-store.js';
import { Following, troubleOf, type LogReader, type ReaderStatus } from './following.js';

export type TailStart = 'all' | 'last-per-subject' | { afterSeq: number };

export interface Tail extends LogReader {
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}

export interface TailTarget {
  stream: string;
  filterSubject: string;
  from: TailStart;
  handle: (stored: StoredEvent) => void;
  onInvalid: (subject: string, seq: number, reason: string) => void;
}

/** Short pulls with frequent heartbeats: a pull that went silent is noticed in about 2 s. */
const CONSUME = { max_messages: 256, expires: 10_000, idle_heartbeat: 1_000 };
/** Pause between attempts to recreate the consumer while JetStream does not answer. */
const RETRY_MS = 250;

export class LogTail implements Tail {
  readonly caughtUp: Promise<void>;
  private markCaughtUp: () => void = () => undefined;
  private readonly following: Following;
  /** Stream sequence of the last event handled; 0 before the first. */
  private position = 0;
  private messages: ConsumerMessages | null = null;
  private stopping = false;
  private wake: () => void = () => undefined;
  private done: Promise<void> = Promise.resolve();
  private unwatch: () => void = () => undefined;
  private untrack: () => void = () => undefined;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly target: TailTarget,
    following: Following,
    private readonly logger?: Logger,
  ) {
    this.following = following;
    this.caughtUp = new Promise<void>((resolve) => (this.markCaughtUp = resolve));
  }

  /** Starts following; fails (as before) when the log cannot be read at the start. */
  static async open(store: EventStore, target: TailTarget): Promise<LogTail> {
    const tail = new LogTail(
      store.connection,
      store.readerJs,
      target,
      new Following(target.filterSubject, store.logger),
      store.logger,
    );
    // At the start, with the store's usual request timeout: a slow first answer is not an outage.
    const consumer = await tail.create(store.js);
    const { num_pending: initiallyPending } = await consumer.info();
    if (initiallyPending === 0) tail.markCaughtUp();
    tail.unwatch = store.connectionEvents.listen((change) => tail.onConnection(change));
    tail.untrack = store.track(tail);
    tail.done = tail.run(consumer);
    return tail;
  }

  get reader(): string {
    return this.following.reader;
  }

  status(): ReaderStatus {
    return this.following.status();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unwatch();
    this.untrack();
    this.wake();
    await this.messages?.close();
    await this.done;
    this.following.stopped();
  }

  private onConnection(change: 'disconnect' | 'reconnect'): void {
    // After a reconnect the old consumer may be gone (ordered consumers live in memory).
    this.interrupt(change === 'disconnect' ? 'NATS disconnected' : 'NATS reconnected');
    if (change === 'reconnect') this.wake();
  }

  private interrupt(reason: string): void {
    if (this.ending) return;
    this.following.lost(reason);
    this.messages?.stop();
  }

  /** Stopped, or the connection is closing with its service: nothing to recover, nothing to log. */
  private get ending(): boolean {
    return this.stopping || this.connection.isDraining() || this.connection.isClosed();
  }

  private async run(first: Consumer): Promise<void> {
    let consumer: Consumer | null = first;
    while (!this.ending) {
      consumer ??= await this.recreate();
      if (consumer === null) break;
      await this.follow(consumer);
      // Best effort: a consumer the server still has would otherwise linger until its inactivity timeout.
      void consumer.delete().catch(() => undefined);
      consumer = null;
    }
  }

  private async recreate(): Promise<Consumer | null> {
    while (!this.ending) {
      try {
        return await this.create();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.following.lost(reason);
        this.logger?.debug("cannot recreate the reader's consumer yet", { reader: this.reader, reason });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, RETRY_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    return null;
  }

  /** An ordered consumer from where this tail is: its start before the first event, else the next one. */
  private create(js = this.js): Promise<Consumer> {
    const { stream, filterSubject, from } = this.target;
    const start = this.position > 0 ? { afterSeq: this.position } : from;
    const deliver =
      start === 'all'
        ? { deliver_policy: DeliverPolicy.All }
        : start === 'last-per-subject'
          ? { deliver_policy: DeliverPolicy.LastPerSubject }
          : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start.afterSeq + 1 };
    return js.consumers.get(stream, { filter_subjects: filterSubject, ...deliver });
  }

  /** Delivers until the consumer fails or the tail stops. */
  private async follow(consumer: Consumer): Promise<void> {
    let messages: ConsumerMessages;
    try {
      messages = await consumer.consume(CONSUME);
    } catch (error) {
      this.following.lost(error instanceof Error ? error.message : String(error));
      return;
    }
    this.messages = messages;
    if (this.ending) await messages.close();
    else this.following.resumed();
    void (async () => {
      for await (const notification of messages.status()) {
        const trouble = troubleOf(notification);
        if (trouble !== null) this.interrupt(trouble);
      }
    })();
    try {
      for await (const message of messages) {
        // A new consumer starts after the position: this only guards against a stray redelivery.
        if (message.seq <= this.position) continue;
        this.deliver(message.seq, message.subject, message.data);
        this.position = message.seq;
        if (message.info.pending === 0) this.markCaughtUp();
      }
    } catch (error) {
      this.interrupt(error instanceof Error ? error.message : String(error));
    } finally {
      this.messages = null;
    }
  }

  private deliver(seq: number, subject: string, data: Uint8Array): void {
    const decoded = decodeEvent(data);
    if (!decoded.ok) return this.target.onInvalid(subject, seq, decoded.reason);
    try {
      this.target.handle({ seq, subject, event: decoded.event });
    } catch (error) {
      this.target.onInvalid(subject, seq, `handler failed: ${String(error)}`);
    }
  }
}
