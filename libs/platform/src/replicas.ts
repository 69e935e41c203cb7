// How many copies the cluster keeps of each stream and KV bucket: what
// HRM_STREAM_REPLICAS asks for. A service raises a stream that has fewer (a
// cluster grown from one server), and never lowers one that has more: giving
// up copies of the event log is an operator's decision, made by hand.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV, type KvOptions } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '#config';

export interface Replication {
  /** HRM_STREAM_REPLICAS. */
  replicas: number;
  logger?: Logger;
}

/** The replicas a stream should have: the configured number, or more when it already has more. */
export function replicasToKeep(current: number, configured: number): number {
  return Math.max(current, configured);
}

/** Raises the stream's replicas to the configured number (JetStream copies it to the new peers). */
export async function ensureReplicas(
  jsm: JetStreamManager,
  stream: string,
  { replicas, logger }: Replication,
): Promise<void> {
  const { config } = await jsm.streams.info(stream);
  const current = config.num_replicas || 1;
  if (current > replicas) {
    logger?.warn('stream keeps more replicas than configured', {
      stream,
      replicas: current,
      configured: replicas,
    });
    return;
  }
  if (current === replicas) return;
  await jsm.streams.update(stream, { ...config, num_replicas: replicas });
  await whileReplicating(jsm, stream);
  logger?.info('stream replicas raised', { stream, from: current, to: replicas });
}

/**
 * Waits, after its replicas changed, until the stream has a leader again and
 * every new replica has caught up: until then JetStream may drop requests to
 * it (a write or a lookup times out, a KV put has no responders).
 */
export async function whileReplicating(
  jsm: JetStreamManager,
  stream: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await jsm.streams.info(stream).catch(() => null);
    const cluster = info?.cluster;
    const replicas = cluster?.replicas ?? [];
    const wanted = (info?.config.num_replicas ?? 1) - 1;
    if (cluster?.leader && replicas.length === wanted && replicas.every((peer) => peer.current)) return;
    if (Date.now() > deadline)
      throw new Error(`stream ${stream} has no leader with all its replicas after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Opens a KV bucket, creating it with the configured replicas, and raises an existing one's. */
export async function openBucket(
  connection: NatsConnection,
  bucket: string,
  options: Partial<KvOptions>,
  replication: Replication = { replicas: 1 },
): Promise<KV> {
  const kv = await new Kvm(connection).create(bucket, { ...options, replicas: replication.replicas });
  await ensureReplicas(await jetstreamManager(connection), `KV_${bucket}`, replication);
  return kv;
}
