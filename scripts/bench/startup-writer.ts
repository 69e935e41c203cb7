// Writes the startup bench's year of classes (startup-log.ts) straight to
// JetStream: every event parsed by the contracts' schema and encoded by the
// event store's codec, published asynchronously with thousands of acks in
// flight (one connection, so each subject keeps its order). The class index
// is left as the product leaves it: built on the empty log, as a fresh
// platform's first start does, then holding only the classes within its
// horizon.
import { streams } from '#contracts';
import { foldSession, type KnownSession } from '#domain';
import { ClassIndex, EventStore } from '#eventstore';
import type { NatsAccess } from './nats-access.js';
import { PipelinedPublisher } from './pipelined-publish.js';
import { encodedYear } from './startup-batches.js';
import { DAY_MS, type YearPlan } from './startup-log.js';

export interface WrittenLog {
  events: number;
  heartRateEvents: number;
  bytes: number;
  seconds: number;
  eventsPerS: number;
  byType: Record<string, number>;
  /** Classes in the class index once written (those ended within its horizon). */
  indexed: number;
  /** Classes that ended 20 to 40 days before `now`: the ended classes "of last month". */
  lastMonth: Array<{ sessionId: string; endedAt: number }>;
}

/** A fresh platform's log after its first start: its streams, and the class index built (nothing to backfill). */
export async function freshLog(store: EventStore): Promise<ClassIndex> {
  await store.ensureStreams();
  const index = await ClassIndex.open(store);
  await index.ensureBuilt();
  return index;
}

export async function writeYear(
  nats: NatsAccess,
  plan: YearPlan,
  progress: (line: string) => void,
): Promise<WrittenLog> {
  const nc = await nats.connect('tools', 'hrm-bench-startup-writer');
  try {
    const store = await EventStore.open(nc);
    const index = await freshLog(store);
    const publisher = new PipelinedPublisher(nc);
    const started = Date.now();
    const written: WrittenLog = {
      events: 0,
      heartRateEvents: 0,
      bytes: 0,
      seconds: 0,
      eventsPerS: 0,
      byType: {},
      indexed: 0,
      lastMonth: [],
    };
    const toIndex: KnownSession[] = [];
    let reported = 0;
    for await (const batch of encodedYear(plan)) {
      let start = 0;
      for (const [index, end] of batch.ends.entries()) {
        await publisher.publish(batch.subjects[index] ?? '', batch.payload.subarray(start, end));
        start = end;
      }
      written.events += batch.ends.length;
      written.bytes += batch.payload.length;
      for (const [type, count] of Object.entries(batch.byType))
        written.byType[type] = (written.byType[type] ?? 0) + count;
      for (const { sessionId, endedAt, events } of batch.classes) {
        const ago = plan.now - endedAt;
        if (ago >= 20 * DAY_MS && ago <= 40 * DAY_MS) written.lastMonth.push({ sessionId, endedAt });
        // The API's sweep purges the entries of classes ended longer ago than the horizon
        // (ClassIndexSweeper): the worker sends the events of only those within it.
        const state = events === null ? null : foldSession(events);
        if (state !== null && state.status !== 'initial') toIndex.push(state);
      }
      if (written.events - reported >= 100_000) {
        reported = written.events;
        progress(
          `written ${written.events} events (${Math.round(written.events / ((Date.now() - started) / 1000))}/s)`,
        );
      }
    }
    await publisher.close();
    written.heartRateEvents = written.byType['heart-rate.batch-recorded'] ?? 0;
    await expectStored(store, written);
    // After the events, as the API records a class's end after appending it: never ahead of the log.
    for (const state of toIndex) await index.record(state);
    written.indexed = (await index.entries()).length;
    written.seconds = Math.round((Date.now() - started) / 100) / 10;
    written.eventsPerS = Math.round(written.events / written.seconds);
    return written;
  } finally {
    await nc.drain();
  }
}

/** Every event acked is in its stream (a fresh server: nothing else is). */
async function expectStored(store: EventStore, written: WrittenLog): Promise<void> {
  const [events, heartRate] = await Promise.all(
    [streams.events.name, streams.heartRate.name].map(
      async (name) => (await store.jsm.streams.info(name)).state.messages,
    ),
  );
  if (events !== written.events - written.heartRateEvents || heartRate !== written.heartRateEvents)
    throw new Error(`the log holds ${events} + ${heartRate} events, ${written.events} were written`);
}
