// The throughput bench's baseline: bare JetStream on the same server, with no
// service in the way. The same gateway batches (same size, same count, same
// Nats-Msg-Id, same publish window) go into a stream of their own configured
// like HRM_INGRESS, and a durable pull consumer in this process fetches and
// acks them as ingest's does. What ingest, the HR stream and the projection
// cost is what the pipeline loses against this.
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { streams } from '#contracts';
import { Publisher, type GatewayFleet } from './gateway-fleet.js';

export const BARE_STREAM = 'BENCH_BARE';
const BARE_CONSUMER = 'bench-bare';
/** Ingest's defaults: INGEST_BATCH and the ingest consumer's max_ack_pending. */
const FETCH_BATCH = 256;
const MAX_ACK_PENDING = 20_000;

export interface BareResult {
  messages: number;
  samples: number;
  bytesPerMessage: number;
  ms: number;
  messagesPerS: number;
  samplesPerS: number;
}

export async function runBareJetStream(
  nc: NatsConnection,
  fleet: GatewayFleet,
  messages: number,
  progress: (line: string) => void,
): Promise<BareResult> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(BARE_STREAM).catch(() => false);
  await jsm.streams.add({
    name: BARE_STREAM,
    subjects: ['bench.bare.>'],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msg_size: 128 * 1024,
    duplicate_window: 2 * 60 * 1_000_000_000,
    num_replicas: 1,
  });
  await jsm.consumers.add(BARE_STREAM, {
    durable_name: BARE_CONSUMER,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: 30_000_000_000,
    max_ack_pending: MAX_ACK_PENDING,
  });
  const js = jetstream(nc);
  const consumer = await js.consumers.get(BARE_STREAM, BARE_CONSUMER);
  const prefix = `${streams.ingress.subjects[0].replace('>', '')}samples.`;
  try {
    const publisher = new Publisher(js);
    let consumed = 0;
    let samples = 0;
    let bytes = 0;
    const started = performance.now();
    const consuming = (async () => {
      while (consumed < messages) {
        const batch = await consumer.fetch({ max_messages: FETCH_BATCH, expires: 1000 });
        for await (const message of batch) {
          message.ack();
          consumed++;
          // The last fetch would otherwise wait out its expiry.
          if (consumed >= messages) batch.stop();
        }
      }
    })();
    for (let sent = 0; sent < messages; sent++) {
      const batch = fleet.nextBatch();
      samples += batch.samples;
      bytes += batch.body.length;
      await publisher.send({ ...batch, subject: `bench.bare.${batch.subject.slice(prefix.length)}` });
      if ((sent + 1) % Math.max(1, Math.floor(messages / 5)) === 0) {
        progress(`bare JetStream: published ${sent + 1}/${messages}, consumed ${consumed}`);
      }
    }
    await publisher.flush();
    await consuming;
    const ms = performance.now() - started;
    return {
      messages,
      samples,
      bytesPerMessage: Math.round(bytes / messages),
      ms: Math.round(ms),
      messagesPerS: Math.round(messages / (ms / 1000)),
      samplesPerS: Math.round(samples / (ms / 1000)),
    };
  } finally {
    await jsm.streams.delete(BARE_STREAM).catch(() => false);
  }
}
