// A class's live feed on a socket: subscribes with compact frames, merges every
// event of the room into a ClassState, subscribes again after a gap or a
// connection that was not recovered (or when the page asks), and says what
// changed to one listener.
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
  type SessionSnapshot,
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
import { LiveRoom, parsedHandler } from './live-room.js';
import { ServerClock, type Connection } from './live-socket.js';

export interface ClassView {
  state: ClassState | null;
  connection: Connection;
  /** Why the class cannot be shown (not found, refused), if it cannot. */
  problem: string | null;
}

export class ClassFeed {
  readonly clock = new ServerClock();
  private view: ClassView;
  private readonly room: LiveRoom<SessionSnapshot>;

  constructor(
    socket: Socket,
    readonly sessionId: string,
    private readonly listener: (view: ClassView) => void,
  ) {
    this.view = { state: null, connection: { status: 'connecting', reason: null }, problem: null };
    const on = <T>(schema: z.ZodType<T>, apply: (state: ClassState, payload: T) => ClassState) =>
      parsedHandler(schema, (payload) => {
        const { state } = this.view;
        if (state) this.update({ state: apply(state, payload) });
      });
    this.room = new LiveRoom(socket, {
      subscribeEvent: liveEvents.sessionSubscribe,
      subscribeRequest: { sessionId, encoding: 'compact' },
      room: { sessionId },
      ack: sessionSubscribeAck,
      handlers: [
        [liveEvents.metadata, on(hrmMetadata, withMetadata)],
        [liveEvents.values, on(hrmValuesCompact, (state, frame) => this.merge(state, frame))],
        [liveEvents.timerState, on(timerState, withTimer)],
        [liveEvents.spotifyState, on(spotifyState, withSpotify)],
        [
          liveEvents.sessionState,
          on(sessionState, (state, { sessionId, status }) => withSessionStatus(state, sessionId, status)),
        ],
        [liveEvents.alert, on(liveAlert, withAlert)],
      ],
      onConnection: (connection) => this.update({ connection }),
      onConnect: (recovered) => {
        void this.clock.measure(socket);
        // A recovered connection is still in its rooms; its next frame is full.
        return !recovered || this.view.state === null;
      },
      onSnapshot: (snapshot) => this.update({ state: classStateOf(snapshot), problem: null }),
      onNotFound: () => this.update({ problem: 'No such class in this studio.' }),
    });
  }

  get current(): ClassView {
    return this.view;
  }

  /**
   * Reads the class again (a new snapshot, from now on): a command refused as
   * stale (409, 412) says this view has fallen behind what the server holds.
   */
  refresh(): void {
    this.room.subscribeAgain();
  }

  close(): void {
    this.room.close();
  }

  private merge(state: ClassState, frame: z.infer<typeof hrmValuesCompact>): ClassState {
    const result = withFrame(state, frame);
    if (result.gap) void this.room.subscribe();
    return result.state;
  }

  private update(change: Partial<ClassView>): void {
    this.view = { ...this.view, ...change };
    this.listener(this.view);
  }
}
