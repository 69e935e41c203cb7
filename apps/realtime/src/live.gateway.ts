// Socket.IO namespace /live (contract 2): handshake auth, subscriptions to a
// class's room with its snapshot in the ack, metadata on roster change, and
// one coalesced values frame per room per tick.
import { Inject, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import {
  LIVE_NAMESPACE,
  handshakeAuth,
  liveEvents,
  parseWith,
  rooms,
  sessionSnapshot,
  sessionSubscribeRequest,
  timePingRequest,
  unsubscribeRequest,
  type Ack,
  type HrmValues,
  type SessionSnapshot,
} from '#contracts';
import type { Logger } from '#config';
import { TokenVerifier, type Principal } from '#platform';
import { LiveFeed, type LiveFeedListener } from './live-feed.js';
import type { LiveSessionState } from './live-session.js';
import { LOGGER, TICK_MS } from './tokens.js';

const failure = (code: string, message: string) => ({ ok: false as const, error: { code, message } });

@WebSocketGateway({ namespace: LIVE_NAMESPACE, cors: { origin: true } })
export class LiveGateway implements OnGatewayInit, OnApplicationShutdown, LiveFeedListener {
  @WebSocketServer() private namespace: Namespace | undefined;
  private readonly principals = new WeakMap<Socket, Principal>();
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    @Inject(LiveFeed) private readonly feed: LiveFeed,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(TICK_MS) private readonly tickMs: number,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const auth = handshakeAuth.safeParse(socket.handshake.auth);
      void this.verifier
        .verify(auth.success ? auth.data.token : undefined)
        .then((principal) => {
          if (principal === null) return next(new Error('unauthorized'));
          this.principals.set(socket, principal);
          next();
        })
        .catch((error: unknown) => {
          this.logger.error('token check failed', { error });
          next(new Error('unavailable'));
        });
    });
    this.feed.listen(this);
    this.ticker = setInterval(() => this.tick(), this.tickMs);
  }

  onApplicationShutdown(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.namespace?.disconnectSockets(true);
  }

  @SubscribeMessage(liveEvents.sessionSubscribe)
  async subscribe(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: unknown,
  ): Promise<Ack<{ snapshot: SessionSnapshot }>> {
    const request = parseWith(sessionSubscribeRequest, body);
    if (!request.ok) return failure('bad-request', request.error);
    const principal = this.principals.get(socket);
    const session = await this.feed.find(request.value.sessionId);
    if (!principal || !session || !mayRead(principal, session.session.studioId)) {
      return failure('not-found', 'no such session');
    }
    await socket.join(rooms.session(session.session.sessionId));
    const snapshot = sessionSnapshot.parse(this.snapshotOf(session));
    socket.emit(liveEvents.metadata, snapshot.metadata);
    return { ok: true, snapshot };
  }

  @SubscribeMessage(liveEvents.unsubscribe)
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack<object>> {
    const request = parseWith(unsubscribeRequest, body);
    if (!request.ok) return failure('bad-request', request.error);
    const room =
      'sessionId' in request.value
        ? rooms.session(request.value.sessionId)
        : rooms.studio(request.value.studioId);
    await socket.leave(room);
    return { ok: true };
  }

  @SubscribeMessage(liveEvents.timePing)
  timePing(@MessageBody() body: unknown): Ack<{ serverTime: number }> {
    const request = parseWith(timePingRequest, body ?? {});
    if (!request.ok) return failure('bad-request', request.error);
    return { ok: true, serverTime: Date.now() };
  }

  rosterChanged(session: LiveSessionState): void {
    this.namespace
      ?.to(rooms.session(session.session.sessionId))
      .emit(liveEvents.metadata, session.metadata());
  }

  statusChanged(session: LiveSessionState): void {
    const { sessionId, status } = session.session;
    this.namespace?.to(rooms.session(sessionId)).emit(liveEvents.sessionState, { sessionId, status });
  }

  /** One frame per room with subscribers, carrying only the athletes whose value changed. */
  private tick(): void {
    const namespace = this.namespace;
    if (!namespace) return;
    const now = Date.now();
    for (const [sessionId, session] of this.feed.sessions) {
      const room = rooms.session(sessionId);
      if ((namespace.adapter.rooms.get(room)?.size ?? 0) === 0) continue;
      const frame = session.nextFrame(now);
      if (frame === null) continue;
      const values: HrmValues = { sessionId, seq: frame.seq, at: now, values: frame.values };
      namespace.to(room).emit(liveEvents.values, values);
    }
  }

  private snapshotOf(session: LiveSessionState): SessionSnapshot {
    const now = Date.now();
    const sessionId = session.session.sessionId;
    return {
      session: session.session,
      metadata: session.metadata(),
      values: { sessionId, seq: session.seq, at: now, values: session.allValues(now) },
      timer: null,
      spotify: null,
    };
  }
}

function mayRead(principal: Principal, studioId: string): boolean {
  return principal.kind === 'admin' || principal.studioId === studioId;
}
