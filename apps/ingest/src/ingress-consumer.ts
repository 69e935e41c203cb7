// What both ingress consumers (samples, gateway status) share: the pull loop
// on a durable consumer, and the dead letters for messages they refuse.
import type { Consumer, JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { gatewaySubjects, streams, type DeadLetter } from '#contracts';
import type { Logger } from '#config';
import { endOnTrouble, Following, LogUnavailableError, type EventStore } from '#eventstore';
import type { Metrics } from '#platform';

/**
 * Fetches from a durable consumer of the ingress stream until `running()`
 * turns false. Up to `inFlight` messages are handled at once, each started in
 * the order fetched: a handler that must see messages in order does that part
 * before its first await, or chains it (SampleIngestor does).
 *
 * The durable consumer is kept on the server's store and survives a restart of
 * NATS; a fetch that NATS stopped answering ends at once and the next one
 * starts as soon as NATS answers. `following` says whether it reads now, and
 * logs an outage once rather than a line per failed fetch.
 */
export async function pullLoop(
  store: EventStore,
  consumerName: string,
  batchSize: number,
  running: () => boolean,
  handle: (message: JsMsg) => Promise<void>,
  logger: Logger,
  inFlight = 1,
  following = new Following(`consumer ${consumerName}`, logger),
): Promise<void> {
  let consumer: Consumer | null = null;
  let missed = 0;
  const handling = new Set<Promise<void>>();
  while (running()) {
    let unwatch: () => void = () => undefined;
    try {
      if (consumer === null) {
        consumer = await store.readerJs.consumers.get(streams.ingress.name, consumerName);
        // JetStream answered with the consumer: following, without waiting for a first pull to end
        // (on a quiet ingress that is the pull's whole expiry, a second of readiness lost at every start).
        following.resumed();
      }
      const batch = await consumer.fetch({ max_messages: batchSize, expires: 1000 });
      unwatch = endOnTrouble(batch, store.connectionEvents, following);
      for await (const message of batch) {
        const handled: Promise<void> = handle(message)
          .catch((error: unknown) => logger.warn('message handler failed', { seq: message.seq, error }))
          .finally(() => handling.delete(handled));
        handling.add(handled);
        while (handling.size >= inFlight) await Promise.race(handling);
      }
      // The fetch ended as the server ended it (batch full or expired): NATS answers.
      following.resumed();
      missed = 0;
    } catch (error) {
      // A pull that missed its heartbeats (this process was busy, the server is fine) is
      // simply pulled again: the latency bench traced its p95 to a pause here. Anything
      // else (NATS away), or heartbeats missed again and again, waits a little before the next try.
      if (missedHeartbeats(error) && ++missed < 3) continue;
      following.lost(error instanceof Error ? error.message : String(error));
      consumer = null;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } finally {
      unwatch();
    }
  }
  following.stopped();
  await Promise.all(handling);
}

export class DeadLetters {
  private readonly count;

  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.count = metrics.counter('hrm_ingest_messages_dead_lettered_total', 'Gateway messages refused');
  }

  /** Keeps a refused message with its reason on `hrm.v1.dlq.<studioId>.<gatewayId>`. */
  async publish(message: JsMsg, studioId = 'unknown', gatewayId = 'unknown', reason: string): Promise<void> {
    const letter: DeadLetter = {
      reason,
      subject: message.subject,
      receivedAt: Date.now(),
      streamSeq: message.seq,
      payload: Buffer.from(message.data).toString('utf8').slice(0, 4096),
    };
    const header = headers();
    header.set('Hrm-Dlq-Reason', reason.slice(0, 512));
    await this.store.js.publish(gatewaySubjects.deadLetter(studioId, gatewayId), JSON.stringify(letter), {
      msgID: `dlq:${message.seq}`,
      headers: header,
    });
    this.count({ studio: studioId });
    this.logger.warn('message dead-lettered', { subject: message.subject, seq: message.seq, reason });
  }
}

/**
 * When `HRM_INGRESS` stored the message: the moment the platform received it.
 * The same on every delivery and every instance, so a redelivered message is
 * judged as the first delivery was, however late ingest gets to it.
 */
export function receivedAtOf(message: JsMsg): number {
  return message.time.getTime();
}

/** nats.js (or endOnTrouble) ends a pull whose idle heartbeats did not arrive in time. */
export function missedHeartbeats(error: unknown): boolean {
  if (error instanceof LogUnavailableError) return error.heartbeatsMissed;
  return error instanceof Error && /heartbeats? missed/i.test(error.message);
}
