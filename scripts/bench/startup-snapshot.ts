// A screen opening an ended class of last month on a realtime started on the
// big log: connected first, then timed from `session:subscribe` to its
// acknowledgement, which carries the snapshot (the class is not among those
// realtime rebuilt at start: it is read from its own subject on demand).
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { sessionSubscribeAck } from '#contracts';

export interface SnapshotTiming {
  sessionId: string;
  /** From the subscribe to the snapshot in its ack. */
  ms: number;
  participants: number;
}

/** Subscribes one fresh screen to each class in turn; fails when a snapshot is not the ended class. */
export async function timeSnapshots(
  realtimeUrl: string,
  token: string,
  classes: ReadonlyArray<{ sessionId: string; endedAt: number }>,
): Promise<SnapshotTiming[]> {
  const timings: SnapshotTiming[] = [];
  for (const { sessionId, endedAt } of classes) {
    const socket = io(`${realtimeUrl}/live`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const sent = performance.now();
      const answer: unknown = await socket.timeout(30_000).emitWithAck('session:subscribe', { sessionId });
      const ms = performance.now() - sent;
      const ack = sessionSubscribeAck.parse(answer);
      if (!ack.ok) throw new Error(`subscribe to ${sessionId} refused: ${ack.error.message}`);
      const { session, metadata } = ack.snapshot;
      if (session.status !== 'ended' || session.endedAt !== endedAt)
        throw new Error(
          `snapshot of ${sessionId}: ${session.status}, ended at ${session.endedAt}, not ${endedAt}`,
        );
      timings.push({ sessionId, ms: Math.round(ms * 10) / 10, participants: metadata.participants.length });
    } finally {
      socket.close();
    }
  }
  return timings;
}

/** `count` classes spread evenly over those given (all of them when there are fewer). */
export function spreadPick<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from(
    { length: count },
    (_, index) => items[Math.floor(((index + 0.5) * items.length) / count)],
  ).filter((item): item is T => item !== undefined);
}
