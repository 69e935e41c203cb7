// The event log over JetStream: idempotent streams, appends with
// deduplication and optimistic concurrency, aggregate reads and live tails.
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '#config';
import { replicasToKeep, whileReplicating, type Replication } from '#platform';
import { domainEvent, describeIssues, type DomainEvent } from '#contracts';
import { decodeEvent, encodeEvent, type StoredEvent } from './codec.js';
import { ConnectionEvents } from './connection-events.js';
import type { LogReader } from './following.js';
import { LogTail, type Tail, type TailStart } from './log-tail.js';
import { defaultStreams, withDefaults, type StreamDefinition } from './streams.js';

/** `'none'`: the aggregate must not exist yet; a number: its current version; `'any'`: no check. */
export type ExpectedVersion = number | 'none' | 'any';

export type AppendResult =
  | { ok: true; version: number; duplicate: boolean }
  | { ok: false; error: { kind: 'conflict'; expected: ExpectedVersion; actual: number | null } };

export interface AppendOptions {
  expected: ExpectedVersion;
  /** Deduplication key (Nats-Msg-Id); defaults to the event id. */
  msgId?: string;
}

export type { Tail, TailStart } from './log-tail.js';

/**
 * The readers' requests give up after this long: a reader recreating its
 * consumer right after NATS restarted tries again at once rather than wait
 * out the default 5 s for a request that JetStream, still starting, dropped.
 */
const READER_REQUEST_TIMEOUT_MS = 2_000;

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export class EventStore {
  /** The client long-lived readers create their consumers with (short request timeout). */
  readonly readerJs: JetStreamClient;
  /** Disconnects and reconnects, for the readers to recreate their consumers at once. */
  readonly connectionEvents: ConnectionEvents;
  private readonly running = new Set<LogReader>();

  private constructor(
    readonly connection: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    /** Where readers log that they stopped following the log and when they follow again. */
    readonly logger?: Logger,
    /** HRM_STREAM_REPLICAS: the copies of each stream this store creates, or raises an existing one to. */
    readonly replicas = 1,
  ) {
    this.readerJs = jetstream(connection, { timeout: READER_REQUEST_TIMEOUT_MS });
    this.connectionEvents = new ConnectionEvents(connection);
  }

  static async open(
    connection: NatsConnection,
    options: { logger?: Logger; replicas?: number } = {},
  ): Promise<EventStore> {
    const jsm = await jetstreamManager(connection);
    return new EventStore(connection, jetstream(connection), jsm, options.logger, options.replicas);
  }

  /** What buckets opened beside this store are replicated with. */
  get replication(): Replication {
    return { replicas: this.replicas, ...(this.logger && { logger: this.logger }) };
  }

  /** The long-lived readers of the log running on this store (tails, projections), for /healthz. */
  get readers(): LogReader[] {
    return [...this.running];
  }

  /** Counts a reader among `readers` until the returned function is called. */
  track(reader: LogReader): () => void {
    this.running.add(reader);
    return () => this.running.delete(reader);
  }

  /**
   * Creates each stream, or brings its configuration up to date: safe on
   * every start. An existing stream's replicas are raised to `replicas`,
   * never lowered (see replicasToKeep).
   */
  async ensureStreams(definitions: StreamDefinition[] = defaultStreams): Promise<void> {
    for (const definition of definitions) {
      const config = withDefaults(definition, this.replicas);
      try {
        const current = (await this.jsm.streams.info(definition.name)).config.num_replicas || 1;
        const replicas = replicasToKeep(current, this.replicas);
        if (replicas > this.replicas) {
          this.logger?.warn('stream keeps more replicas than configured', {
            stream: definition.name,
            replicas,
            configured: this.replicas,
          });
        }
        await this.jsm.streams.update(definition.name, { ...config, num_replicas: replicas });
        if (replicas > current) await whileReplicating(this.jsm, definition.name);
      } catch (error) {
        if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound)
          throw error;
        try {
          await this.jsm.streams.add({ ...config, name: definition.name });
        } catch (raced) {
          // Another instance created it between our info and add.
          if (!(raced instanceof JetStreamApiError) || !/already in use/i.test(raced.message)) throw raced;
        }
      }
    }
  }

  /**
   * Appends events to one aggregate subject. Each event after the first
   * expects the one before it, so a concurrent writer is detected at any point.
   */
  async append(subject: string, events: DomainEvent[], options: AppendOptions): Promise<AppendResult> {
    let expected = options.expected;
    let version = 0;
    let duplicate = false;
    for (const [index, event] of events.entries()) {
      const checked = domainEvent.safeParse(event);
      if (!checked.success) throw new InvalidEventError(`${event.type}: ${describeIssues(checked.error)}`);
      const msgID = index === 0 && options.msgId ? options.msgId : event.id;
      const expect = expected === 'any' ? {} : { lastSubjectSequence: expected === 'none' ? 0 : expected };
      try {
        const ack = await this.js.publish(subject, encodeEvent(checked.data), { msgID, expect });
        version = ack.seq;
        duplicate ||= ack.duplicate;
        expected = ack.seq;
      } catch (error) {
        const conflict = asConflict(error);
        if (conflict === undefined) throw error;
        return { ok: false, error: { kind: 'conflict', expected, actual: conflict } };
      }
    }
    return { ok: true, version, duplicate };
  }

  /** Every event of one aggregate subject, and its version (0 when it has none). */
  async readAggregate(stream: string, subject: string): Promise<{ events: StoredEvent[]; version: number }> {
    const version = await this.lastSequenceOf(stream, subject);
    const events: StoredEvent[] = [];
    if (version === 0) return { events, version };
    const consumer = await this.js.consumers.get(stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.All,
    });
    const messages = await consumer.consume({ max_messages: 256 });
    for await (const message of messages) {
      const decoded = decodeEvent(message.data);
      if (decoded.ok) events.push({ seq: message.seq, subject: message.subject, event: decoded.event });
      if (message.seq >= version) break;
    }
    return { events, version };
  }

  /** Sequence of the last message on a subject (wildcards allowed), 0 when there is none. */
  async lastSequenceOf(stream: string, subject: string): Promise<number> {
    const last = await this.jsm.streams.getMessage(stream, { last_by_subj: subject });
    return last?.seq ?? 0;
  }

  /**
   * Reads a subject filter from a starting point and keeps following it.
   * `caughtUp` resolves once everything that was in the log at the start has
   * been handled, so a reader can say when its state is complete.
   */
  async tail(
    stream: string,
    filterSubject: string,
    from: TailStart,
    handle: (stored: StoredEvent) => void,
    onInvalid: (subject: string, seq: number, reason: string) => void = () => undefined,
  ): Promise<Tail> {
    return LogTail.open(this, { stream, filterSubject, from, handle, onInvalid });
  }

  /** The last event on a subject and its sequence, or null when there is none (or it does not parse). */
  async lastEventOf(stream: string, subject: string): Promise<StoredEvent | null> {
    const last = await this.jsm.streams.getMessage(stream, { last_by_subj: subject });
    if (!last) return null;
    const decoded = decodeEvent(last.data);
    return decoded.ok ? { seq: last.seq, subject: last.subject, event: decoded.event } : null;
  }

  /** The stream's last sequence: a caller can wait for a reader to reach it. */
  async lastSequence(stream: string): Promise<number> {
    const info = await this.jsm.streams.info(stream);
    return info.state.last_seq;
  }

  /** A durable pull consumer, created or updated idempotently. */
  async ensureDurable(
    stream: string,
    name: string,
    filterSubject: string,
    options: { ackWaitMs?: number; maxAckPending?: number; maxDeliver?: number } = {},
  ): Promise<void> {
    const config = {
      durable_name: name,
      filter_subject: filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: (options.ackWaitMs ?? 30_000) * 1_000_000,
      max_ack_pending: options.maxAckPending ?? 1000,
      max_deliver: options.maxDeliver ?? -1,
    };
    try {
      await this.jsm.consumers.info(stream, name);
      await this.jsm.consumers.update(stream, name, config);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound)
        throw error;
      await this.jsm.consumers.add(stream, config);
    }
  }
}

/** The subject's actual version when the error is a failed concurrency check. */
function asConflict(error: unknown): number | null | undefined {
  if (!(error instanceof JetStreamApiError)) return undefined;
  if (error.code !== JetStreamApiCodes.StreamWrongLastSequence) return undefined;
  const match = /wrong last sequence: (\d+)/.exec(error.message);
  return match?.[1] !== undefined ? Number(match[1]) : null;
}
