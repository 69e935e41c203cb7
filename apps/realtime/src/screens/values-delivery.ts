// One values frame per class room per tick, encoded once for the whole room
// (a Socket.IO broadcast), never queued behind a socket that cannot take it:
// a socket whose transport is still busy with earlier data skips the frame
// and, once writable again, gets one full frame instead of what it missed.
// So at most one values frame is ever pending per socket, whatever its link.
import type { Namespace, Socket } from 'socket.io';
import { LIVE_NAMESPACE, encodeCompactValues, liveEvents, rooms, type HrmValues } from '#contracts';
import type { Metrics } from '#platform';
import type { LiveSessionState } from '../state/live-session.js';

/** What the gateway keeps per socket: small, and no timer. */
export interface SocketState {
  /** Classes whose frames this socket missed: its next frame there is a full one. */
  behind: Set<string> | null;
}

/** A Socket.IO event packet of /live as it sits in engine.io's buffer: `2/live,["hrm:values",…`. */
const valuesPrefix = `2${LIVE_NAMESPACE},["${liveEvents.values}"`;

export class ValuesDelivery {
  private readonly skippedTotal;
  private readonly queuedGauge;
  /** The most values frames seen waiting in one socket's engine buffer (a test and ops hook). */
  queuedMax = 0;

  constructor(metrics: Metrics) {
    this.skippedTotal = metrics.counter(
      'hrm_realtime_values_skipped_total',
      'Values frames not sent to a socket whose transport was still busy (it gets a full frame later)',
    );
    this.queuedGauge = metrics.gauge(
      'hrm_realtime_values_queued_max',
      'Most hrm:values frames seen waiting in one socket’s engine write buffer',
    );
    this.queuedGauge(0);
  }

  deliver(
    namespace: Namespace,
    session: LiveSessionState,
    members: ReadonlySet<string>,
    stateOf: (socket: Socket) => SocketState | undefined,
    now: number,
  ): void {
    const sessionId = session.session.sessionId;
    const frame = session.nextFrame(now);
    const busy: string[] = [];
    const catchUp: string[] = [];
    for (const id of members) {
      const socket = namespace.sockets.get(id);
      const state = socket && stateOf(socket);
      if (!socket || !state) continue;
      if (!socket.conn.transport.writable) {
        this.noteQueued(socket);
        if (frame !== null) {
          (state.behind ??= new Set()).add(sessionId);
          busy.push(id);
        }
      } else if (state.behind?.delete(sessionId)) {
        if (state.behind.size === 0) state.behind = null;
        catchUp.push(id);
      }
    }
    if (busy.length > 0) this.skippedTotal({}, busy.length);
    const room = rooms.session(sessionId);
    const compactRoom = rooms.sessionCompact(sessionId);
    const compact = namespace.adapter.rooms.get(compactRoom);
    const hasCompact = compact !== undefined && compact.size > 0;
    if (frame !== null) {
      const values: HrmValues = { sessionId, seq: frame.seq, at: now, values: frame.values };
      const skip = [...busy, ...catchUp];
      // volatile: never kept for connection-state recovery either (a recovered socket gets a full frame).
      // Each encoding is built once for its sockets, whatever their number.
      namespace
        .to(room)
        .except(hasCompact ? [...skip, compactRoom] : skip)
        .volatile.emit(liveEvents.values, values);
      if (hasCompact)
        namespace.to(compactRoom).except(skip).volatile.emit(liveEvents.values, encodeCompactValues(values));
    }
    if (catchUp.length > 0) {
      const full = session.fullFrame(now);
      const values: HrmValues = { sessionId, seq: full.seq, at: now, values: full.values, full: true };
      const compactOnes = hasCompact ? catchUp.filter((id) => compact.has(id)) : [];
      const objectOnes = compactOnes.length === 0 ? catchUp : catchUp.filter((id) => !compact?.has(id));
      if (objectOnes.length > 0) namespace.to(objectOnes).volatile.emit(liveEvents.values, values);
      if (compactOnes.length > 0)
        namespace.to(compactOnes).volatile.emit(liveEvents.values, encodeCompactValues(values));
    }
  }

  /** Marks every class room of a socket as missed (a recovered connection lost its frames). */
  static markBehind(socket: Socket, state: SocketState): void {
    for (const name of socket.rooms) {
      const room = rooms.parse(name);
      if (room?.kind === 'session') (state.behind ??= new Set()).add(room.sessionId);
    }
  }

  private noteQueued(socket: Socket): void {
    const buffer: unknown = Reflect.get(socket.conn, 'writeBuffer');
    if (!Array.isArray(buffer) || buffer.length === 0) return;
    let queued = 0;
    for (const packet of buffer as unknown[]) {
      if (isValuesPacket(packet)) queued++;
    }
    if (queued > this.queuedMax) {
      this.queuedMax = queued;
      this.queuedGauge(queued);
    }
  }
}

function isValuesPacket(packet: unknown): boolean {
  return (
    typeof packet === 'object' &&
    packet !== null &&
    'data' in packet &&
    typeof packet.data === 'string' &&
    packet.data.startsWith(valuesPrefix)
  );
}
