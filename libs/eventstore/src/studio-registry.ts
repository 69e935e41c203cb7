// The studios that exist, in a NATS KV bucket (`studios`): the API writes a
// studio's key before it answers its creation, and copies every studio of
// Postgres in at start; ingest, which has no database, reads it to refuse
// gateway messages of studios that do not exist. Same style as device status.
import { StorageType } from '@nats-io/jetstream';
import type { KV, KvEntry } from '@nats-io/kv';
import { openBucket, type Replication } from '#platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { studioRegistryBucket, studioRegistryRecord, type StudioRegistryRecord } from '#contracts';

/** What the registry says of a studio; `not-ready` until the API has copied every studio in. */
export type StudioStanding = 'known' | 'unknown' | 'not-ready';

export class StudioRegistry {
  /** Studios seen (by the watch or a direct read); a studio is never removed, so this only grows. */
  private readonly known = new Set<string>();
  private complete = false;
  private watching: { stop(): void } | null = null;

  private constructor(readonly kv: KV) {}

  /** Opens the bucket, creating it on first use (the API or ingest may start first); `name` for tests. */
  static async open(
    connection: NatsConnection,
    name: string = studioRegistryBucket.name,
    replication?: Replication,
  ): Promise<StudioRegistry> {
    const kv = await openBucket(
      connection,
      name,
      { history: studioRegistryBucket.history, storage: StorageType.File },
      replication,
    );
    return new StudioRegistry(kv);
  }

  /** Records a studio (idempotent): before its creation is answered, so its gateways are accepted at once. */
  async register(record: StudioRegistryRecord): Promise<void> {
    const parsed = studioRegistryRecord.parse(record);
    await this.kv.put(parsed.studioId, JSON.stringify(parsed));
    this.known.add(parsed.studioId);
  }

  /** Removes a studio (a creation that failed after its key was written). */
  async forget(studioId: string): Promise<void> {
    await this.kv.delete(studioId);
    this.known.delete(studioId);
  }

  /** Says that every studio of the database is in the bucket (the API, after copying them at start). */
  async markComplete(): Promise<void> {
    await this.kv.put(studioRegistryBucket.completeKey, JSON.stringify({ at: Date.now() }));
    this.complete = true;
  }

  /** Keeps the in-memory set up to date with every key written, so most checks need no round trip. */
  async follow(): Promise<void> {
    const entries = await this.kv.watch({ key: '>' });
    this.watching = entries;
    void (async () => {
      for await (const entry of entries) this.take(entry);
    })();
  }

  stop(): void {
    this.watching?.stop();
    this.watching = null;
  }

  /**
   * Whether a studio exists. A miss in memory is read from the bucket before it
   * counts as unknown: a studio created a moment ago is never refused.
   */
  async standing(studioId: string): Promise<StudioStanding> {
    if (this.known.has(studioId)) return 'known';
    const entry = await this.kv.get(studioId);
    if (entry !== null) this.take(entry);
    if (this.known.has(studioId)) return 'known';
    if (!this.complete) {
      const marker = await this.kv.get(studioRegistryBucket.completeKey);
      this.complete = marker !== null && marker.operation === 'PUT';
    }
    return this.complete ? 'unknown' : 'not-ready';
  }

  private take(entry: KvEntry): void {
    if (entry.key === studioRegistryBucket.completeKey) {
      if (entry.operation === 'PUT') this.complete = true;
      return;
    }
    if (entry.operation !== 'PUT') {
      this.known.delete(entry.key);
      return;
    }
    // A value that is not a record (written by hand, say) counts as nothing.
    const record = parseRecord(entry);
    if (record !== null && record.studioId === entry.key) this.known.add(record.studioId);
  }
}

function parseRecord(entry: KvEntry): StudioRegistryRecord | null {
  try {
    const parsed = studioRegistryRecord.safeParse(JSON.parse(entry.string()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
