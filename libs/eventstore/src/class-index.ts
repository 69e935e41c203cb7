// The index of open classes (libs/contracts/src/class-index.ts): a KV bucket
// the services read at start instead of the whole log. Writing it is the
// appender's job (ClassIndex.record, in the same step as the events); reading
// it, keeping it small and filling it once from an older log live here.
import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, StorageType } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { openBucket } from '#platform';
import {
  classIndexBucket,
  classIndexBuilt,
  classIndexEntry,
  classIndexKey,
  eventSubjects,
  isSessionEvent,
  streams,
  type ClassIndexEntry,
  type SessionEvent,
} from '#contracts';
import { evolve, foldSession, initialSessionState, type KnownSession, type SessionState } from '#domain';
import type { AppendResult, EventStore, ExpectedVersion } from './event-store.js';

/** What the index says of a class, from its folded state. */
export function classIndexEntryOf(state: KnownSession): ClassIndexEntry {
  return {
    sessionId: state.sessionId,
    studioId: state.studioId,
    status: state.status,
    startsAt: state.startsAt,
    startedAt: state.status === 'scheduled' ? null : state.startedAt,
    endedAt: state.status === 'ended' ? state.endedAt : null,
  };
}

/** Whether an entry's class is still of interest `horizonMs` after its end. */
export const withinHorizon = (entry: ClassIndexEntry, now: number, horizonMs: number): boolean =>
  entry.endedAt === null || entry.endedAt + horizonMs > now;

const decoder = new TextDecoder();
/** An entry whose class has no event this long after it was written was never appended. */
const UNAPPENDED_AFTER_MS = 60_000;

export class ClassIndex {
  private readonly streamName: string;
  private readonly subjectPrefix: string;

  private constructor(
    private readonly store: EventStore,
    private readonly kv: KV,
    bucket: string,
  ) {
    this.streamName = `KV_${bucket}`;
    this.subjectPrefix = `$KV.${bucket}.`;
  }

  /** Opens the bucket, creating it on first use (any service may be the first to start). */
  static async open(store: EventStore, bucket: string = classIndexBucket.name): Promise<ClassIndex> {
    const kv = await openBucket(
      store.connection,
      bucket,
      { history: 1, storage: StorageType.File },
      store.replication,
    );
    return new ClassIndex(store, kv, bucket);
  }

  /**
   * Appends a class's events with its entry written in the same step: before
   * the append that schedules the class, after the ones that start and end it,
   * so that the index is never ahead of the log. The events are stored whatever
   * happens to the entry after the append: an entry left behind says the class
   * is less far on than it is (a reader loads it, never misses it), and the
   * sweep corrects it.
   */
  async append(
    previous: SessionState,
    events: SessionEvent[],
    expected: ExpectedVersion,
  ): Promise<{ result: AppendResult; state: SessionState }> {
    const state = events.reduce(evolve, previous);
    if (state.status === 'initial') throw new Error('a class is appended from its scheduling');
    if (previous.status === 'initial') await this.record(state);
    const result = await this.store.append(eventSubjects.session(state.sessionId), events, { expected });
    if (result.ok && previous.status !== 'initial' && state.status !== previous.status) {
      await this.record(state).catch((error: unknown) => {
        this.store.logger?.warn('class index not updated; the sweep will', {
          sessionId: state.sessionId,
          error,
        });
      });
    }
    return { result, state };
  }

  /** Writes what the class is now (use `append`, which says when; a sweep and a backfill call it directly). */
  async record(state: KnownSession): Promise<void> {
    await this.kv.put(classIndexKey(state.sessionId), JSON.stringify(classIndexEntryOf(state)));
  }

  /** Drops a class's entry without a tombstone: a reader of the index never reads it again. */
  async remove(sessionId: string): Promise<void> {
    try {
      await this.store.jsm.streams.purge(this.streamName, {
        filter: `${this.subjectPrefix}${classIndexKey(sessionId)}`,
      });
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound)
        throw error;
    }
  }

  /** Every entry, read in one pass over the bucket (its size is what is live, not the past). */
  async entries(): Promise<ClassIndexEntry[]> {
    return (await this.read()).map(({ entry }) => entry);
  }

  private async read(): Promise<Array<{ entry: ClassIndexEntry; writtenAt: number }>> {
    const filter = `${this.subjectPrefix}${classIndexBucket.classPrefix}>`;
    const last = await this.store.lastSequenceOf(this.streamName, filter);
    if (last === 0) return [];
    const consumer = await this.store.js.consumers.get(this.streamName, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    const entries: Array<{ entry: ClassIndexEntry; writtenAt: number }> = [];
    const messages = await consumer.consume({ max_messages: 512 });
    for await (const message of messages) {
      const parsed = parseEntry(message.data);
      if (parsed !== null) entries.push({ entry: parsed, writtenAt: message.info.timestampNanos / 1e6 });
      else this.store.logger?.warn('unreadable class index entry', { subject: message.subject });
      if (message.info.pending === 0) break;
    }
    return entries;
  }

  /**
   * Makes sure the index holds every class of the log that is still of
   * interest. A fresh platform has nothing to fill; a log written before the
   * index existed is read once, by whichever service starts first.
   */
  async ensureBuilt(horizonMs = classIndexBucket.endedHorizonMs): Promise<void> {
    if ((await this.kv.get(classIndexBucket.builtKey))?.operation === 'PUT') return;
    const throughSeq = await this.store.lastSequence(streams.events.name);
    const classes = throughSeq === 0 ? new Map<string, SessionState>() : await this.foldAll(throughSeq);
    const now = Date.now();
    for (const state of classes.values()) {
      if (state.status === 'initial') continue;
      if (withinHorizon(classIndexEntryOf(state), now, horizonMs)) await this.record(state);
    }
    const built = classIndexBuilt.parse({ throughSeq, builtAt: now });
    await this.kv.put(classIndexBucket.builtKey, JSON.stringify(built));
    if (classes.size > 0) this.store.logger?.info('class index built from the log', { throughSeq });
  }

  /**
   * Keeps the index to what is live: purges classes ended longer ago than the
   * horizon, and corrects entries the log has moved past (an appender that
   * stopped between its append and its index write) from the class's own events.
   */
  async sweep(now = Date.now(), horizonMs = classIndexBucket.endedHorizonMs): Promise<number> {
    let removed = 0;
    for (const { entry, writtenAt } of await this.read()) {
      let current: ClassIndexEntry | null = entry;
      if (entry.status !== 'ended') {
        const { events } = await this.store.readAggregate(
          streams.events.name,
          eventSubjects.session(entry.sessionId),
        );
        const state = foldSession(events.map((stored) => stored.event).filter(isSessionEvent));
        // Written a while ago and never appended (the append after the index write failed): nothing to index.
        // A recent one may be an append still on its way.
        if (state.status === 'initial' && now - writtenAt < UNAPPENDED_AFTER_MS) continue;
        current = state.status === 'initial' ? null : classIndexEntryOf(state);
        if (current !== null && current.status !== entry.status && state.status !== 'initial')
          await this.record(state);
      }
      if (current === null || !withinHorizon(current, now, horizonMs)) {
        await this.remove(entry.sessionId);
        removed++;
      }
    }
    return removed;
  }

  private async foldAll(throughSeq: number): Promise<Map<string, SessionState>> {
    const classes = new Map<string, SessionState>();
    const tail = await this.store.tail(
      streams.events.name,
      eventSubjects.allSessions,
      'all',
      ({ seq, event }) => {
        if (seq > throughSeq || !isSessionEvent(event)) return;
        const sessionId = event.data.sessionId;
        classes.set(sessionId, evolve(classes.get(sessionId) ?? initialSessionState, event));
      },
    );
    await tail.caughtUp;
    await tail.stop();
    return classes;
  }
}

function parseEntry(data: Uint8Array): ClassIndexEntry | null {
  try {
    const parsed = classIndexEntry.safeParse(JSON.parse(decoder.decode(data)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
