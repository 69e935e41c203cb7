// A studio's room on a socket, for the studio's TV: which class is live, the
// straps heard in the room that nobody wears, and what plays. Subscribes again
// after a connection that was not recovered (the snapshot replaces everything),
// and asks for a new snapshot when the live class ends, since another class of
// the studio may still be live. Every payload is parsed by the contract's schema.
import type { Socket } from 'socket.io-client';
import {
  liveEvents,
  sessionState,
  spotifyState,
  studioDevices,
  studioSubscribeAck,
  type LiveStudio,
  type StudioSnapshot,
  type SpotifyState,
  type UnassignedDevice,
} from '#contracts';
import type { z } from 'zod';
import { LiveRoom, parsedHandler } from '../live/live-room.js';
import type { Connection } from '../live/live-socket.js';

export interface StudioView {
  /** Null until the first snapshot. */
  studio: LiveStudio | null;
  liveSessionId: string | null;
  unassigned: UnassignedDevice[];
  spotify: SpotifyState | null;
  connection: Connection;
  /** Why the studio cannot be shown (not found), if it cannot. */
  problem: string | null;
  /** Counts the studio's class starts and ends (and new snapshots): what is scheduled next may have changed. */
  classChanges: number;
}

export class StudioFeed {
  private view: StudioView = {
    studio: null,
    liveSessionId: null,
    unassigned: [],
    spotify: null,
    connection: { status: 'connecting', reason: null },
    problem: null,
    classChanges: 0,
  };
  private readonly room: LiveRoom<StudioSnapshot>;

  constructor(
    socket: Socket,
    readonly studioId: string,
    private readonly listener: (view: StudioView) => void,
  ) {
    this.room = new LiveRoom(socket, {
      subscribeEvent: liveEvents.studioSubscribe,
      subscribeRequest: { studioId },
      room: { studioId },
      ack: studioSubscribeAck,
      handlers: [
        [liveEvents.studioDevices, this.on(studioDevices, (devices) => this.devicesChanged(devices))],
        [liveEvents.sessionState, this.on(sessionState, (state) => this.classChanged(state))],
        [liveEvents.spotifyState, this.on(spotifyState, (spotify) => this.musicChanged(spotify))],
      ],
      onConnection: (connection) => this.update({ connection }),
      // A recovered connection is still in the studio's room and gets what it missed.
      onConnect: (recovered) => !recovered || this.view.studio === null,
      onSnapshot: ({ studio, liveSessionId, unassigned, spotify }) =>
        this.update({
          studio,
          liveSessionId,
          unassigned,
          spotify,
          problem: null,
          classChanges: this.view.classChanges + 1,
        }),
      onNotFound: () => this.update({ problem: 'No such studio, or this link is for another studio.' }),
    });
  }

  get current(): StudioView {
    return this.view;
  }

  close(): void {
    this.room.close();
  }

  private on<T>(schema: z.ZodType<T>, apply: (payload: T) => void) {
    return parsedHandler(schema, (payload) => {
      // Before the snapshot there is nothing to change; the snapshot will say it all.
      if (this.view.studio !== null) apply(payload);
    });
  }

  private devicesChanged({ studioId, unassigned }: z.infer<typeof studioDevices>): void {
    if (studioId === this.studioId) this.update({ unassigned });
  }

  private musicChanged(spotify: SpotifyState): void {
    if (spotify.studioId === this.studioId) this.update({ spotify });
  }

  /**
   * The socket also hears `session:state` from the live class's own room; both
   * are classes of this studio. A start shows the new class at once (the latest
   * started is the one to show); the end of the shown class asks the server
   * which class, if any, is still live.
   */
  private classChanged({ sessionId, status }: z.infer<typeof sessionState>): void {
    const classChanges = this.view.classChanges + 1;
    if (status === 'live') {
      this.update({ liveSessionId: sessionId, classChanges });
      return;
    }
    this.update({ classChanges });
    if (status === 'ended' && sessionId === this.view.liveSessionId) this.room.subscribeAgain();
  }

  private update(change: Partial<StudioView>): void {
    this.view = { ...this.view, ...change };
    this.listener(this.view);
  }
}
