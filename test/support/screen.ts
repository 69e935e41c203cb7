// A screen as a test sees it: a socket.io-client on /live that keeps the class's
// state the way docs/contracts/live.md tells a client to (snapshot, then merge
// each frame; re-subscribe after a connection that was not recovered).
import { io, type Socket } from 'socket.io-client';
import {
  hrmValues,
  liveAlert,
  sessionSubscribeAck,
  type HrmValues,
  type LiveAlert,
  type LiveValue,
} from '#contracts';

export function liveSocket(url: string, token: unknown, reconnect = false): Socket {
  return io(`${url}/live`, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: reconnect,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
}

export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

export class Screen {
  readonly values = new Map<string, LiveValue>();
  readonly frames: HrmValues[] = [];
  readonly alerts: LiveAlert[] = [];
  /** Snapshots taken (one per subscribe). */
  subscribes = 0;
  gaps = 0;
  private lastSeq = -1;

  constructor(
    readonly socket: Socket,
    private readonly sessionId: string,
  ) {
    socket.on('hrm:values', (payload: unknown) => this.onFrame(hrmValues.parse(payload)));
    socket.on('alert', (payload: unknown) => this.alerts.push(liveAlert.parse(payload)));
    // A connection that was not recovered (a new instance, say) starts from a new snapshot.
    socket.on('connect', () => {
      if (!socket.recovered && this.subscribes > 0) void this.subscribe();
    });
  }

  async subscribe(): Promise<void> {
    const ack = sessionSubscribeAck.parse(
      await this.socket.timeout(5000).emitWithAck('session:subscribe', { sessionId: this.sessionId }),
    );
    if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.code} ${ack.error.message}`);
    this.subscribes++;
    this.values.clear();
    for (const value of ack.snapshot.values.values) this.values.set(value.participantId, value);
    this.lastSeq = ack.snapshot.values.seq;
  }

  /** What the screen shows, without the instance-local parts (status depends on each clock). */
  shown(): Record<string, Omit<LiveValue, 'status'>> {
    const shown: Record<string, Omit<LiveValue, 'status'>> = {};
    for (const [id, { status: _status, ...value }] of [...this.values].sort(([a], [b]) => (a < b ? -1 : 1)))
      shown[id] = value;
    return shown;
  }

  private onFrame(frame: HrmValues): void {
    this.frames.push(frame);
    if (frame.full) this.values.clear();
    else if (frame.seq !== this.lastSeq + 1) {
      // A gap this client cannot fill from frames: ask for a new snapshot.
      this.gaps++;
      void this.subscribe();
    }
    for (const value of frame.values) this.values.set(value.participantId, value);
    this.lastSeq = frame.seq;
  }
}
