// What every live feed does around one room of the socket (a class's, a
// studio's): its event handlers on the socket, the connection's state, the
// subscribe that brings the snapshot (asked again after a failure or no answer),
// and the unsubscribe when the page leaves. The feed keeps its own view and says
// what a snapshot or an event changes in it.
import type { Socket } from 'socket.io-client';
import { liveEvents, type AckError } from '#contracts';
import type { z } from 'zod';
import { ConnectionWatch, type Connection } from './live-socket.js';

/** A subscribe's answer, as `ackSchema({ snapshot })` parses it. */
export type SubscribeAck<Snapshot> = { ok: true; snapshot: Snapshot } | { ok: false; error: AckError };

export type LiveHandler = (payload: unknown) => void;

export interface LiveRoomOptions<Snapshot> {
  /** `session:subscribe` or `studio:subscribe`. */
  subscribeEvent: string;
  /** Its payload, e.g. `{ sessionId, encoding }`. */
  subscribeRequest: object;
  /** What names the room on `unsubscribe`: `{ sessionId }` or `{ studioId }`. */
  room: { sessionId: string } | { studioId: string };
  ack: z.ZodType<SubscribeAck<Snapshot>>;
  handlers: [event: string, handler: LiveHandler][];
  onConnection: (connection: Connection) => void;
  /** On every connection: whether the feed needs a snapshot (a connection that was not recovered does). */
  onConnect: (recovered: boolean) => boolean;
  onSnapshot: (snapshot: Snapshot) => void;
  /** The room does not exist, or is not this token's. */
  onNotFound: () => void;
}

const SUBSCRIBE_TIMEOUT_MS = 5_000;
const SUBSCRIBE_RETRY_MS = 2_000;

/** A handler that parses its payload with the contract's schema; one that does not parse is dropped and said in the console. */
export function parsedHandler<T>(schema: z.ZodType<T>, apply: (payload: T) => void): LiveHandler {
  return (payload) => {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      console.warn('dropped a payload that does not match the contract', parsed.error.issues);
      return;
    }
    apply(parsed.data);
  };
}

export class LiveRoom<Snapshot> {
  private readonly watch: ConnectionWatch;
  private subscribing = false;
  /** Something changed while a snapshot was on its way: that snapshot may predate it. */
  private askAgain = false;
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly options: LiveRoomOptions<Snapshot>,
  ) {
    for (const [event, handler] of options.handlers) socket.on(event, handler);
    this.watch = new ConnectionWatch(socket, options.onConnection, (recovered) => {
      if (options.onConnect(recovered)) void this.subscribe();
    });
  }

  /** Asks for a snapshot, unless one is already on its way. */
  async subscribe(): Promise<void> {
    if (this.subscribing || this.closed) return;
    this.subscribing = true;
    this.askAgain = false;
    try {
      const answer = this.options.ack.safeParse(
        await this.socket
          .timeout(SUBSCRIBE_TIMEOUT_MS)
          .emitWithAck(this.options.subscribeEvent, this.options.subscribeRequest),
      );
      if (this.closed) return;
      if (!answer.success) throw new Error('the subscribe answer does not match the contract');
      if (answer.data.ok) {
        this.options.onSnapshot(answer.data.snapshot);
        return;
      }
      if (answer.data.error.code === 'not-found') {
        this.options.onNotFound();
        return;
      }
      throw new Error(answer.data.error.message);
    } catch {
      // No answer in time, or the server could not read the room right now: ask again.
      clearTimeout(this.retry);
      if (!this.closed) this.retry = setTimeout(() => void this.subscribe(), SUBSCRIBE_RETRY_MS);
    } finally {
      this.subscribing = false;
      if (this.askAgain && !this.closed) void this.subscribe();
    }
  }

  /** Asks for a snapshot taken from now on: after the one on its way, if there is one. */
  subscribeAgain(): void {
    if (this.subscribing) this.askAgain = true;
    else void this.subscribe();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    for (const [event, handler] of this.options.handlers) this.socket.off(event, handler);
    this.watch.close();
    if (this.socket.connected) this.socket.emit(liveEvents.unsubscribe, this.options.room);
  }
}
