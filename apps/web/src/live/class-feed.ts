// A class's live feed on a socket: subscribes with compact frames, merges every
// event of the room into a ClassState, subscribes again after a gap or a
// connection that was not recovered, and says what changed to one listener.
// Every payload is parsed by the contract's schema; one that does not parse is
// dropped (and said in the console), it never breaks the screen.
import type { Socket } from 'socket.io-client';
import {
  hrmMetadata,
  hrmValuesCompact,
  liveAlert,
  liveEvents,
  sessionState,
  sessionSubscribeAck,
  spotifyState,
  timerState,
} from '#contracts';
import type { z } from 'zod';
import {
  classStateOf,
  withAlert,
  withFrame,
  withMetadata,
  withSessionStatus,
  withSpotify,
  withTimer,
  type ClassState,
} from './class-state.js';
import { ConnectionWatch, ServerClock, type Connection } from './live-socket.js';

export interface ClassView {
  state: ClassState | null;
  connection: Connection;
  /** Why the class cannot be shown (not found, refused), if it cannot. */
  problem: string | null;
}

const SUBSCRIBE_RETRY_MS = 2_000;

export class ClassFeed {
  readonly clock = new ServerClock();
  private view: ClassView;
  private readonly watch: ConnectionWatch;
  private readonly handlers: [string, (payload: unknown) => void][];
  private subscribing = false;
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly socket: Socket,
    readonly sessionId: string,
    private readonly listener: (view: ClassView) => void,
  ) {
    this.view = { state: null, connection: { status: 'connecting', reason: null }, problem: null };
    const on = <T>(schema: z.ZodType<T>, apply: (state: ClassState, payload: T) => ClassState) => {
      return (payload: unknown) => {
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          console.warn('dropped a payload that does not match the contract', parsed.error.issues);
          return;
        }
        const { state } = this.view;
        if (state) this.update({ state: apply(state, parsed.data) });
      };
    };
    this.handlers = [
      [liveEvents.metadata, on(hrmMetadata, withMetadata)],
      [liveEvents.values, on(hrmValuesCompact, (state, frame) => this.merge(state, frame))],
      [liveEvents.timerState, on(timerState, withTimer)],
      [liveEvents.spotifyState, on(spotifyState, withSpotify)],
      [
        liveEvents.sessionState,
        on(sessionState, (state, { sessionId, status }) => withSessionStatus(state, sessionId, status)),
      ],
      [liveEvents.alert, on(liveAlert, withAlert)],
    ];
    for (const [event, handler] of this.handlers) socket.on(event, handler);
    this.watch = new ConnectionWatch(
      socket,
      (connection) => this.update({ connection }),
      (recovered) => {
        void this.clock.measure(socket);
        // A recovered connection is still in its rooms; its next frame is full.
        if (!recovered || this.view.state === null) void this.subscribe();
      },
    );
  }

  get current(): ClassView {
    return this.view;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    for (const [event, handler] of this.handlers) this.socket.off(event, handler);
    this.watch.close();
    if (this.socket.connected) this.socket.emit(liveEvents.unsubscribe, { sessionId: this.sessionId });
  }

  private merge(state: ClassState, frame: z.infer<typeof hrmValuesCompact>): ClassState {
    const result = withFrame(state, frame);
    if (result.gap) void this.subscribe();
    return result.state;
  }

  private async subscribe(): Promise<void> {
    if (this.subscribing || this.closed) return;
    this.subscribing = true;
    try {
      const answer = sessionSubscribeAck.safeParse(
        await this.socket
          .timeout(5_000)
          .emitWithAck(liveEvents.sessionSubscribe, { sessionId: this.sessionId, encoding: 'compact' }),
      );
      if (this.closed) return;
      if (!answer.success) throw new Error('the subscribe answer does not match the contract');
      if (answer.data.ok) {
        this.update({ state: classStateOf(answer.data.snapshot), problem: null });
        return;
      }
      if (answer.data.error.code === 'not-found') {
        this.update({ problem: 'No such class in this studio.' });
        return;
      }
      throw new Error(answer.data.error.message);
    } catch {
      // No answer in time, or the server could not read the class right now: ask again.
      clearTimeout(this.retry);
      if (!this.closed) this.retry = setTimeout(() => void this.subscribe(), SUBSCRIBE_RETRY_MS);
    } finally {
      this.subscribing = false;
    }
  }

  private update(change: Partial<ClassView>): void {
    this.view = { ...this.view, ...change };
    this.listener(this.view);
  }
}
