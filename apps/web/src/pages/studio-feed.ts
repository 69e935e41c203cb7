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
  type SpotifyState,
  type UnassignedDevice,
} from '#contracts';
import type { z } from 'zod';
import { ConnectionWatch, type Connection } from '../live/live-socket.js';

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

const SUBSCRIBE_RETRY_MS = 2_000;

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
  private readonly watch: ConnectionWatch;
  private readonly handlers: [string, (payload: unknown) => void][];
  private subscribing = false;
  /** A class ended while a snapshot was on its way: that snapshot may predate the end. */
  private askAgain = false;
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly socket: Socket,
    readonly studioId: string,
    private readonly listener: (view: StudioView) => void,
  ) {
    this.handlers = [
      [liveEvents.studioDevices, this.on(studioDevices, (devices) => this.devicesChanged(devices))],
      [liveEvents.sessionState, this.on(sessionState, (state) => this.classChanged(state))],
      [liveEvents.spotifyState, this.on(spotifyState, (spotify) => this.musicChanged(spotify))],
    ];
    for (const [event, handler] of this.handlers) socket.on(event, handler);
    this.watch = new ConnectionWatch(
      socket,
      (connection) => this.update({ connection }),
      (recovered) => {
        // A recovered connection is still in the studio's room and gets what it missed.
        if (!recovered || this.view.studio === null) void this.subscribe();
      },
    );
  }

  get current(): StudioView {
    return this.view;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    for (const [event, handler] of this.handlers) this.socket.off(event, handler);
    this.watch.close();
    if (this.socket.connected) this.socket.emit(liveEvents.unsubscribe, { studioId: this.studioId });
  }

  private on<T>(schema: z.ZodType<T>, apply: (payload: T) => void) {
    return (payload: unknown) => {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        console.warn('dropped a payload that does not match the contract', parsed.error.issues);
        return;
      }
      // Before the snapshot there is nothing to change; the snapshot will say it all.
      if (this.view.studio !== null) apply(parsed.data);
    };
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
    if (status === 'ended' && sessionId === this.view.liveSessionId) {
      if (this.subscribing) this.askAgain = true;
      else void this.subscribe();
    }
  }

  private async subscribe(): Promise<void> {
    if (this.subscribing || this.closed) return;
    this.subscribing = true;
    this.askAgain = false;
    try {
      const answer = studioSubscribeAck.safeParse(
        await this.socket.timeout(5_000).emitWithAck(liveEvents.studioSubscribe, { studioId: this.studioId }),
      );
      if (this.closed) return;
      if (!answer.success) throw new Error('the subscribe answer does not match the contract');
      if (answer.data.ok) {
        const { studio, liveSessionId, unassigned, spotify } = answer.data.snapshot;
        this.update({
          studio,
          liveSessionId,
          unassigned,
          spotify,
          problem: null,
          classChanges: this.view.classChanges + 1,
        });
        return;
      }
      if (answer.data.error.code === 'not-found') {
        this.update({ problem: 'No such studio, or this link is for another studio.' });
        return;
      }
      throw new Error(answer.data.error.message);
    } catch {
      // No answer in time, or the server could not read the studio right now: ask again.
      clearTimeout(this.retry);
      if (!this.closed) this.retry = setTimeout(() => void this.subscribe(), SUBSCRIBE_RETRY_MS);
    } finally {
      this.subscribing = false;
      if (this.askAgain && !this.closed) void this.subscribe();
    }
  }

  private update(change: Partial<StudioView>): void {
    this.view = { ...this.view, ...change };
    this.listener(this.view);
  }
}
