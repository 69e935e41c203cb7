// Screens for the fan-out and latency benches: socket.io clients in the
// bench's own process, each counting the bytes it receives (raw engine.io
// messages, as they came off the WebSocket) and the delays of what it shows.
import { io, type Socket } from 'socket.io-client';
import {
  decodeCompactValues,
  hrmValues,
  hrmValuesCompact,
  sessionSubscribeAck,
  type ValuesEncoding,
} from '#contracts';
import { delaySummary, type DelaySummary } from './stats.js';

/** Runs `work` over `items`, `concurrency` at a time. */
export async function inBatches<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += concurrency) {
    results.push(...(await Promise.all(items.slice(i, i + concurrency).map(work))));
  }
  return results;
}

const byteLength = (data: unknown): number =>
  typeof data === 'string'
    ? Buffer.byteLength(data)
    : data instanceof ArrayBuffer || ArrayBuffer.isView(data)
      ? data.byteLength
      : 0;

/**
 * What the screens saw while measuring: each value once per screen (a `full`
 * frame repeats values a screen already has; those are not new deliveries),
 * and each frame's delay from the moment the server built it.
 */
export class DelayRecorder {
  measuring = false;
  bytes = 0;
  frames = 0;
  readonly valueDelays: number[] = [];
  readonly frameDelays: number[] = [];
  private readonly seen: Array<Map<string, number>> = [];

  /** A value (athlete `key`, measured at `ts`) reached screen `screen` at `received`. */
  value(screen: number, key: string, ts: number, received: number): void {
    if (!this.measuring) return;
    const seen = (this.seen[screen] ??= new Map<string, number>());
    if ((seen.get(key) ?? -Infinity) >= ts) return;
    seen.set(key, ts);
    this.valueDelays.push(received - ts);
  }

  /** A frame built by the server at `at` reached a screen at `received`. */
  frame(at: number | null, received: number): void {
    if (!this.measuring) return;
    this.frames++;
    if (at !== null) this.frameDelays.push(received - at);
  }

  received(bytes: number): void {
    if (this.measuring) this.bytes += bytes;
  }

  summary(screens: number, seconds: number): ScreenFigures {
    return {
      valueDelayMs: delaySummary(this.valueDelays),
      frameDelayMs: delaySummary(this.frameDelays),
      framesPerScreenPerS: Math.round((this.frames / screens / seconds) * 100) / 100,
      bytesPerScreenPerS: Math.round(this.bytes / screens / seconds),
    };
  }
}

export interface ScreenFigures {
  /** From a value's `ts` (its publish time) to a screen. */
  valueDelayMs: DelaySummary;
  /** From the moment the server built the frame to a screen. */
  frameDelayMs: DelaySummary;
  framesPerScreenPerS: number;
  /** Everything the screen received over its WebSocket (engine.io messages, pings included). */
  bytesPerScreenPerS: number;
}

/**
 * Connects `count` WebSocket clients to `url` (a namespace URL), 100 at a
 * time; `setup` adds a screen's listeners and subscribes it.
 */
export async function connectScreens(
  url: string,
  count: number,
  auth: Record<string, string>,
  recorder: DelayRecorder,
  setup: (socket: Socket, index: number) => Promise<void>,
): Promise<Socket[]> {
  const sockets: Socket[] = [];
  try {
    await inBatches(
      Array.from({ length: count }, (_, index) => index),
      100,
      async (index) => {
        const socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
        sockets.push(socket);
        socket.io.on('open', () => {
          socket.io.engine.on('data', (data: unknown) => recorder.received(byteLength(data)));
        });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        await setup(socket, index);
      },
    );
  } catch (error) {
    closeScreens(sockets);
    throw error;
  }
  return sockets;
}

export function closeScreens(sockets: readonly Socket[]): void {
  for (const socket of sockets) socket.close();
}

/**
 * A studio screen on the realtime service: subscribes to the class
 * `sessionIdOf(index)` and records every `hrm:values` frame it gets.
 */
export function liveScreen(
  recorder: DelayRecorder,
  sessionIdOf: (index: number) => string | undefined,
  encoding: ValuesEncoding = 'objects',
): (socket: Socket, index: number) => Promise<void> {
  return async (socket, index) => {
    const sessionId = sessionIdOf(index);
    if (sessionId === undefined) return;
    socket.on('hrm:values', (payload: unknown) => {
      if (!recorder.measuring) return;
      const received = Date.now();
      const frame =
        encoding === 'compact'
          ? decodeCompactValues(hrmValuesCompact.parse(payload))
          : hrmValues.parse(payload);
      recorder.frame(frame.at, received);
      for (const value of frame.values) recorder.value(index, value.participantId, value.ts, received);
    });
    const ack = sessionSubscribeAck.parse(
      await socket.timeout(30_000).emitWithAck('session:subscribe', { sessionId, encoding }),
    );
    if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.message}`);
  };
}
