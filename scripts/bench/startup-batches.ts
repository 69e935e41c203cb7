// The startup bench's year, encoded in a worker thread (startup-encode-worker.ts)
// and handed to the publisher a batch at a time: what crosses between the
// threads, checked on arrival, and the credit that keeps the worker at most a
// few batches ahead (so memory stays flat however long the year).
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { sessionEvent } from '#contracts';
import type { YearPlan } from './startup-log.js';

export const toWorker = z.strictObject({ credit: z.int().positive() });

const encodedBatch = z.strictObject({
  subjects: z.array(z.string()),
  /** Every event's bytes back to back: event i ends at `ends[i]`. */
  payload: z.instanceof(Uint8Array),
  ends: z.instanceof(Uint32Array),
  byType: z.record(z.string(), z.int()),
  classes: z.array(
    z.strictObject({
      sessionId: z.string(),
      endedAt: z.int(),
      /** Its session events when it ended within the class index's horizon, else null. */
      events: z.array(sessionEvent).nullable(),
    }),
  ),
});
export type EncodedBatch = z.infer<typeof encodedBatch>;

const fromWorker = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('batch'), batch: encodedBatch }),
  z.strictObject({ kind: z.literal('done') }),
  z.strictObject({ kind: z.literal('failed'), message: z.string() }),
]);

/** Batches the worker may have ready before the publisher asks for more. */
const AHEAD = 4;

/** The year's batches, encoded by a worker thread while the caller publishes the previous ones. */
export async function* encodedYear(plan: YearPlan): AsyncGenerator<EncodedBatch> {
  const worker = new Worker(new URL('./startup-encode-worker.js', import.meta.url), { workerData: plan });
  const arrived: Array<z.infer<typeof fromWorker> | Error> = [];
  let wake: (() => void) | null = null;
  const push = (item: z.infer<typeof fromWorker> | Error) => {
    arrived.push(item);
    wake?.();
  };
  worker.on('message', (message: unknown) => {
    const parsed = fromWorker.safeParse(message);
    push(
      parsed.success
        ? parsed.data
        : new Error(`unexpected message from the encoder: ${parsed.error.message}`),
    );
  });
  worker.on('error', push);
  worker.on('exit', (code) => push(new Error(`the encoder exited (code ${code})`)));
  worker.postMessage({ credit: AHEAD });
  try {
    for (;;) {
      const next = arrived.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      if (next instanceof Error) throw next;
      if (next.kind === 'failed') throw new Error(`the encoder failed: ${next.message}`);
      if (next.kind === 'done') return;
      worker.postMessage({ credit: 1 });
      yield next.batch;
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}
