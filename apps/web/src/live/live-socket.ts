// One Socket.IO connection to the realtime service's /live namespace, and what
// every page needs around it: the connection's state as a screen shows it
// (grey "reconnecting" only after 5 s without a connection, so a blip does not
// flash the room), a refused or revoked token, and the server's clock.
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, authRevoked, liveEvents, timePingAck } from '#contracts';

export type ConnectionStatus =
  /** Before the first connection. */
  | 'connecting'
  | 'connected'
  /** Without a connection for more than `RECONNECTING_AFTER_MS`: values are old. */
  | 'reconnecting'
  /** The token was refused, revoked or has expired: a new one is needed. */
  | 'refused';

/** How long a lost connection may last before screens grey out. */
export const RECONNECTING_AFTER_MS = 5_000;
/** How long to wait before trying again when the server says `unavailable`. */
const UNAVAILABLE_RETRY_MS = 2_000;

export interface Connection {
  status: ConnectionStatus;
  /** Why the token was refused, for the page to say. */
  reason: string | null;
}

/**
 * Each socket's last refusal while it is not connected. A page's watch is attached in an effect,
 * after the first paint: on a loaded machine the server may have refused the token before, and a
 * refused token is not tried again, so the watch would wait forever on "Connecting…".
 */
const refusalsBeforeWatch = new WeakMap<Socket, Error>();

export function openLive(realtimeUrl: string, token: string): Socket {
  const socket = io(new URL(LIVE_NAMESPACE, realtimeUrl).toString(), {
    auth: { token },
    // No long polling: no sticky sessions needed behind a load balancer.
    transports: ['websocket'],
    reconnectionDelay: 250,
    reconnectionDelayMax: 2_000,
  });
  socket.on('connect_error', (error) => refusalsBeforeWatch.set(socket, error));
  socket.on('connect', () => refusalsBeforeWatch.delete(socket));
  return socket;
}

/**
 * Follows the socket's connection. `onConnect(recovered)` runs on every
 * connection: a connection that was not recovered must subscribe again.
 */
export class ConnectionWatch {
  private current: Connection = { status: 'connecting', reason: null };
  private greyTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private revoked = false;
  private readonly detach: () => void;

  constructor(
    private readonly socket: Socket,
    private readonly onChange: (connection: Connection) => void,
    private readonly onConnect: (recovered: boolean) => void,
  ) {
    const connected = () => {
      clearTimeout(this.greyTimer);
      this.greyTimer = undefined;
      this.set({ status: 'connected', reason: null });
      this.onConnect(socket.recovered);
    };
    const disconnected = (reason: Socket.DisconnectReason) => {
      if (this.revoked) return;
      this.greyTimer ??= setTimeout(
        () => this.set({ status: 'reconnecting', reason: null }),
        RECONNECTING_AFTER_MS,
      );
      // The server ended this connection (a restart's shutdown): Socket.IO does not retry that itself.
      if (reason === 'io server disconnect') socket.connect();
    };
    const refused = (error: Error) => {
      if (error.message === 'unauthorized') {
        this.set({
          status: 'refused',
          reason: 'This link’s token is not valid (unknown, revoked or expired).',
        });
        return;
      }
      this.greyTimer ??= setTimeout(
        () => this.set({ status: 'reconnecting', reason: null }),
        RECONNECTING_AFTER_MS,
      );
      // `unavailable` (the server is rebuilding or its database is away): Socket.IO does not retry a refusal.
      if (!socket.active) {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => socket.connect(), UNAVAILABLE_RETRY_MS);
      }
    };
    const revoked = (payload: unknown) => {
      const parsed = authRevoked.safeParse(payload);
      this.revoked = true;
      clearTimeout(this.greyTimer);
      this.set({
        status: 'refused',
        reason:
          parsed.success && parsed.data.reason === 'expired'
            ? 'This link’s token has expired.'
            : 'This link’s token was revoked.',
      });
    };
    socket.on('connect', connected);
    socket.on('disconnect', disconnected);
    socket.on('connect_error', refused);
    socket.on(liveEvents.authRevoked, revoked);
    this.detach = () => {
      socket.off('connect', connected);
      socket.off('disconnect', disconnected);
      socket.off('connect_error', refused);
      socket.off(liveEvents.authRevoked, revoked);
      clearTimeout(this.greyTimer);
      clearTimeout(this.retryTimer);
    };
    if (socket.connected) connected();
    else {
      const refusal = refusalsBeforeWatch.get(socket);
      if (refusal) refused(refusal);
    }
  }

  get connection(): Connection {
    return this.current;
  }

  close(): void {
    this.detach();
  }

  private set(next: Connection): void {
    if (next.status === this.current.status && next.reason === this.current.reason) return;
    this.current = next;
    this.onChange(next);
  }
}

/**
 * The server's clock, estimated with `time:ping` as the contract says: the
 * offset of the ping with the shortest round trip. Screens count the timer down
 * on it, so every screen in the room shows the same second.
 */
export class ServerClock {
  private offset = 0;
  private bestRoundTrip = Infinity;

  now(): number {
    return Date.now() + this.offset;
  }

  async measure(socket: Socket, pings = 5): Promise<void> {
    for (let ping = 0; ping < pings; ping++) {
      const sentAt = Date.now();
      const answer = timePingAck.safeParse(
        await socket
          .timeout(2_000)
          .emitWithAck(liveEvents.timePing, {})
          .catch(() => null),
      );
      const receivedAt = Date.now();
      if (!answer.success || !answer.data.ok) continue;
      const roundTrip = receivedAt - sentAt;
      if (roundTrip < this.bestRoundTrip) {
        this.bestRoundTrip = roundTrip;
        this.offset = answer.data.serverTime - (sentAt + receivedAt) / 2;
      }
    }
  }
}
