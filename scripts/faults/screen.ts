// A screen on a live class, as docs/contracts/live.md tells a client to keep
// it (snapshot, then frames; a new snapshot after a gap or a connection that
// was not recovered), reconnecting by itself. It notes when each frame came
// and the newest sample it carried, so a run can tell when values flowed again.
import { io, type Socket } from 'socket.io-client';
import { hrmValues, sessionSubscribeAck, type LiveValue } from '#contracts';

export interface FrameSeen {
  at: number;
  newestTs: number;
}

/** What the screen showed at a moment: the newest sample among its values. */
export interface ShownAt {
  at: number;
  newestTs: number;
}

export class FaultScreen {
  readonly values = new Map<string, LiveValue>();
  readonly frames: FrameSeen[] = [];
  readonly shown: ShownAt[] = [];
  disconnects = 0;
  private lastSeq = -1;
  private subscribed = false;

  private constructor(
    readonly socket: Socket,
    private readonly sessionId: string,
  ) {
    socket.on('hrm:values', (payload: unknown) => {
      const parsed = hrmValues.safeParse(payload);
      if (parsed.success) this.onFrame(parsed.data);
    });
    socket.on('disconnect', () => this.disconnects++);
    socket.on('connect', () => {
      if (!socket.recovered && this.subscribed) void this.subscribe().catch(() => undefined);
    });
  }

  static async open(realtimeUrl: string, token: string, sessionId: string): Promise<FaultScreen> {
    const socket = io(`${realtimeUrl}/live`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    const screen = new FaultScreen(socket, sessionId);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await screen.subscribe();
    return screen;
  }

  async subscribe(): Promise<void> {
    const ack = sessionSubscribeAck.parse(
      await this.socket.timeout(5000).emitWithAck('session:subscribe', { sessionId: this.sessionId }),
    );
    if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.code} ${ack.error.message}`);
    this.subscribed = true;
    this.values.clear();
    for (const value of ack.snapshot.values.values) this.values.set(value.participantId, value);
    this.lastSeq = ack.snapshot.values.seq;
  }

  /** The first frame at or after `since` that carried a sample newer than `newerThan`; null when none came. */
  firstFreshFrame(since: number, newerThan: number): FrameSeen | null {
    return this.frames.find((frame) => frame.at >= since && frame.newestTs > newerThan) ?? null;
  }

  /** Notes what the screen shows now (call it every few hundred ms while loading). */
  look(): void {
    let newestTs = 0;
    for (const value of this.values.values()) newestTs = Math.max(newestTs, value.ts);
    this.shown.push({ at: Date.now(), newestTs });
  }

  close(): void {
    this.socket.close();
  }

  private onFrame(frame: { seq: number; full?: true; values: LiveValue[] }): void {
    this.frames.push({ at: Date.now(), newestTs: Math.max(0, ...frame.values.map((value) => value.ts)) });
    if (frame.full) this.values.clear();
    else if (frame.seq !== this.lastSeq + 1) void this.subscribe().catch(() => undefined);
    for (const value of frame.values) this.values.set(value.participantId, value);
    this.lastSeq = frame.seq;
  }
}
