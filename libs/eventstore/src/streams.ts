import { DiscardPolicy, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { streams } from '#contracts';

const SECOND_NS = 1_000_000_000;
const MS_NS = 1_000_000;
const HOUR_NS = 3600 * SECOND_NS;

export type StreamDefinition = Pick<StreamConfig, 'name' | 'subjects'> & Partial<StreamConfig>;

/** The streams of the event log (docs/architecture.md, The event log). */
export const defaultStreams: StreamDefinition[] = [
  {
    name: streams.ingress.name,
    subjects: [...streams.ingress.subjects],
    retention: RetentionPolicy.Limits,
    // The contract's figure: ingest refuses samples older than what this stream keeps.
    max_age: streams.ingress.maxAgeMs * MS_NS,
    duplicate_window: 2 * 60 * SECOND_NS,
    max_msg_size: 128 * 1024,
    discard: DiscardPolicy.Old,
  },
  {
    name: streams.events.name,
    subjects: [...streams.events.subjects],
    retention: RetentionPolicy.Limits,
    max_age: 0,
    duplicate_window: 2 * 60 * SECOND_NS,
  },
  {
    name: streams.heartRate.name,
    subjects: [...streams.heartRate.subjects],
    retention: RetentionPolicy.Limits,
    max_age: 7 * 24 * HOUR_NS,
    // Redelivered gateway batches re-emit the same heart-rate events; the
    // window catches them, and the history table's key catches anything older.
    duplicate_window: 10 * 60 * SECOND_NS,
  },
];

/** A stream's configuration: on disk, with `replicas` copies (HRM_STREAM_REPLICAS) unless it says otherwise. */
export function withDefaults(definition: StreamDefinition, replicas = 1): Partial<StreamConfig> {
  return { storage: StorageType.File, num_replicas: replicas, ...definition };
}
