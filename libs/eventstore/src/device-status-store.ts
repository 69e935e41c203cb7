// Device status in a NATS KV bucket: outside any process (a restarted ingest
// loses nothing written), readable by the API, and watchable per studio
// (`<studioId>.>`) by whoever shows unassigned straps live.
import { JetStreamApiCodes, JetStreamApiError, StorageType } from '@nats-io/jetstream';
import { KvWatchInclude, type KV, type KvEntry } from '@nats-io/kv';
import { openBucket, type Replication } from '#platform';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  deviceStatusBucket,
  deviceStatusKey,
  deviceStatusRecord,
  describeIssues,
  studioDeviceStatusKeys,
  type DeviceStatusRecord,
} from '#contracts';
import { InvalidEventError } from './event-store.js';

/** From what is stored (null: nothing), what to store; null: leave it as it is. */
export type DeviceStatusUpdate = (
  current: DeviceStatusRecord | null,
) => DeviceStatusRecord | null | Promise<DeviceStatusRecord | null>;

const MAX_ATTEMPTS = 5;

export class DeviceStatusStore {
  private constructor(readonly kv: KV) {}

  /** Opens the bucket, creating it on first use (any service may be the first to start). */
  static async open(connection: NatsConnection, replication?: Replication): Promise<DeviceStatusStore> {
    const kv = await openBucket(
      connection,
      deviceStatusBucket.name,
      { history: deviceStatusBucket.history, ttl: deviceStatusBucket.maxAgeMs, storage: StorageType.File },
      replication,
    );
    return new DeviceStatusStore(kv);
  }

  /**
   * Read, change, write with the revision read: another ingest instance
   * writing the same strap in between makes this one read again, so neither
   * write is lost. Returns what is stored afterwards.
   */
  async update(
    studioId: string,
    deviceId: string,
    change: DeviceStatusUpdate,
  ): Promise<DeviceStatusRecord | null> {
    const key = deviceStatusKey(studioId, deviceId);
    for (let attempt = 1; ; attempt++) {
      const entry = await this.kv.get(key);
      const live = entry !== null && entry.operation === 'PUT' ? entry : null;
      const current = live === null ? null : parseEntry(live);
      const next = await change(current);
      if (next === null) return current;
      const parsed = deviceStatusRecord.safeParse(next);
      if (!parsed.success) throw new InvalidEventError(`device status: ${describeIssues(parsed.error)}`);
      const body = JSON.stringify(parsed.data);
      try {
        if (entry === null) await this.kv.create(key, body);
        else await this.kv.update(key, body, entry.revision);
        return parsed.data;
      } catch (error) {
        if (!isWrongRevision(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Calls `onChange` with each record written for the studio from now on
   * (`<studioId>.>`): whoever shows unassigned straps live re-reads on it.
   */
  async watchStudio(
    studioId: string,
    onChange: (record: DeviceStatusRecord) => void,
  ): Promise<DeviceStatusWatch> {
    const entries = await this.kv.watch({
      key: studioDeviceStatusKeys(studioId),
      include: KvWatchInclude.UpdatesOnly,
      ignoreDeletes: true,
    });
    void (async () => {
      for await (const entry of entries) {
        const record = entry.operation === 'PUT' ? parseEntry(entry) : null;
        if (record !== null) onChange(record);
      }
    })();
    return { stop: () => entries.stop() };
  }

  /** Every strap heard in a studio (in the last 30 days), in no particular order. */
  async studio(studioId: string): Promise<DeviceStatusRecord[]> {
    // With history 1 this is one entry per key; folding by key keeps it right with more.
    const latest = new Map<string, KvEntry>();
    for await (const entry of await this.kv.history({ key: studioDeviceStatusKeys(studioId) })) {
      const known = latest.get(entry.key);
      if (known === undefined || entry.revision > known.revision) latest.set(entry.key, entry);
    }
    return [...latest.values()].flatMap((entry) => {
      const record = entry.operation === 'PUT' ? parseEntry(entry) : null;
      return record === null ? [] : [record];
    });
  }
}

/** A running watch of a studio's straps; `stop` ends it. */
export interface DeviceStatusWatch {
  stop(): void;
}

/** A stored value that is not a record (written by hand, say) counts as nothing. */
function parseEntry(entry: KvEntry): DeviceStatusRecord | null {
  try {
    const parsed = deviceStatusRecord.safeParse(JSON.parse(entry.string()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function isWrongRevision(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
