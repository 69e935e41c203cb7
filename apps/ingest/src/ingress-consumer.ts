// What both ingress consumers (samples, gateway status) share: the pull loop
// on a durable consumer, and the dead letters for messages they refuse.
import type { JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { gatewaySubjects, streams, type DeadLetter } from '#contracts';
import type { Logger } from '#config';
import type { EventStore } from '#eventstore';
import type { Metrics } from '#platform';

/**
 * Fetches from a durable consumer of the ingress stream until `running()`
 * turns false. Up to `inFlight` messages are handled at once, each started in
 * the order fetched: a handler that must see messages in order does that part
 * before its first await, or chains it (SampleIngestor does).
 */
export async function pullLoop(
  store: EventStore,
  consumerName: string,
  batchSize: number,
  running: () => boolean,
  handle: (message: JsMsg) => Promise<void>,
  logger: Logger,
  inFlight = 1,
): Promise<void> {
  const consumer = await store.js.consumers.get(streams.ingress.name, consumerName);
  const handling = new Set<Promise<void>>();
  while (running()) {
    try {
      const batch = await consumer.fetch({ max_messages: batchSize, expires: 1000 });
      for await (const message of batch) {
        const handled: Promise<void> = handle(message)
          .catch((error: unknown) => logger.warn('message handler failed', { seq: message.seq, error }))
          .finally(() => handling.delete(handled));
        handling.add(handled);
        while (handling.size >= inFlight) await Promise.race(handling);
      }
    } catch (error) {
      logger.warn('fetch failed', { consumer: consumerName, error });
      // A pull that missed its heartbeats (this process was busy, the server is fine) is
      // simply pulled again: the latency bench traced its p95 to a pause here. Anything
      // else (NATS away) waits a little before the next try.
      if (!missedHeartbeats(error)) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
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

/** nats.js ends a pull whose idle heartbeats did not arrive in time with this message. */
export function missedHeartbeats(error: unknown): boolean {
  return error instanceof Error && /heartbeats? missed/i.test(error.message);
}
