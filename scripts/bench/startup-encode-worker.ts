// The startup bench's encoder, in a worker thread: generates the year
// (startup-log.ts), parses every event with the contracts' schema and encodes
// it with the event store's codec, so that the main thread only publishes and
// both cores work. Batches go out as one transferred buffer each, no further
// ahead of the publisher than the credit it gives (startup-batches.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { classIndexBucket, domainEvent } from '#contracts';
import { encodeEvent } from '#eventstore';
import { toWorker, type EncodedBatch } from './startup-batches.js';
import { yearOfClasses, yearPlan, type LogBatch } from './startup-log.js';

function encode(batch: LogBatch, now: number): EncodedBatch {
  const encoded = batch.events.map(({ event }) => encodeEvent(domainEvent.parse(event)));
  const payload = new Uint8Array(encoded.reduce((sum, bytes) => sum + bytes.length, 0));
  const ends = new Uint32Array(encoded.length);
  let offset = 0;
  encoded.forEach((bytes, index) => {
    payload.set(bytes, offset);
    offset += bytes.length;
    ends[index] = offset;
  });
  const byType: Record<string, number> = {};
  for (const { event } of batch.events) byType[event.type] = (byType[event.type] ?? 0) + 1;
  return {
    subjects: batch.events.map(({ subject }) => subject),
    payload,
    ends,
    byType,
    classes: batch.classes.map(({ sessionId, endedAt, sessionEvents }) => ({
      sessionId,
      endedAt,
      // Only these are folded into the class index; the others need not cross.
      events: now - endedAt < classIndexBucket.endedHorizonMs ? sessionEvents : null,
    })),
  };
}

const port = parentPort;
if (port !== null) {
  const plan = yearPlan.parse(workerData);
  const batches = yearOfClasses(plan);
  let credit = 0;
  const send = () => {
    try {
      for (; credit > 0; credit--) {
        const next = batches.next();
        if (next.done === true) return port.postMessage({ kind: 'done' });
        const batch = encode(next.value, plan.now);
        port.postMessage({ kind: 'batch', batch }, [batch.payload.buffer, batch.ends.buffer]);
      }
    } catch (error) {
      port.postMessage({
        kind: 'failed',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  };
  port.on('message', (message: unknown) => {
    credit += toWorker.parse(message).credit;
    send();
  });
}
