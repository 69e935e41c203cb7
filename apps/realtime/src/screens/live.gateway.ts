// Socket.IO namespace /live (contract 2), the handlers only: handshake auth,
// connection handling (rate limit, token watch, held classes), subscriptions to
// a class's or a studio's room with a snapshot in the ack, commands forwarded
// to their owners, and the feed's changes sent to their rooms. Handlers parse
// with the contract's schemas and answer in the ack. What runs on a clock is
// in its own provider, started here once the namespace exists: LiveTick (alerts
// and gauges, values frames, timer resync) and PlaybackWatch. The state is in
// ../state/ (LiveFeed, LiveSessionState, StudioDirectory).
import { Inject, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import {
  LIVE_NAMESPACE,
  commandSubjects,
  handshakeAuth,
  liveEvents,
  parseWith,
  rooms,
  sessionSnapshot,
  sessionSubscribeRequest,
  spotifyCommandRequest,
  studioSnapshot,
  studioSubscribeRequest,
  timePingRequest,
  timerCommandRequest,
  unsubscribeRequest,
  type Ack,
  type CommandReply,
  type HrmMetadata,
  type LiveAlert,
  type SessionSnapshot,
  type SpotifyState,
  type StudioDevices,
  type StudioSnapshot,
  type TimerState,
} from '#contracts';
import type { Logger } from '#config';
import { TokenVerifier, actorOf, may, type Principal } from '#platform';
import { CommandForwarder } from '../command-forwarder.js';
import { LOGGER, RATE_LIMIT } from '../injection.js';
import { LiveFeed, type LiveFeedListener } from '../state/live-feed.js';
import type { LiveSessionState } from '../state/live-session.js';
import { StudioDirectory } from '../state/studio-directory.js';
import { failure, guardSocket } from './client-guard.js';
import { LiveAlerts } from './live-alerts.js';
import { LiveMetrics } from './live-metrics.js';
import { LiveTick } from './live-tick.js';
import { PlaybackWatch } from './playback-watch.js';
import { fullBucket, type Bucket, type RateLimit } from './rate-limit.js';
import { TokenWatch, type TokenEndReason } from './token-watch.js';
import { releaseConnectionRequest, releaseUpgradeResponse } from './upgrade-request.js';
import { ValuesDelivery, type SocketState } from './values-delivery.js';

interface Client extends SocketState {
  principal: Principal;
  bucket: Bucket;
  /** Classes this socket watches: each held in memory once, however often the socket subscribes. */
  held: Set<string>;
}

/** How long a disconnected client's rooms and missed events are kept for connection-state recovery. */
export const RECOVERY_WINDOW_MS = 2 * 60 * 1000;

@WebSocketGateway({
  namespace: LIVE_NAMESPACE,
  cors: { origin: true },
  // A client back within the window keeps its rooms and gets the events it missed
  // (metadata, session state, alerts); values frames are volatile, so it gets a full one.
  connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
})
export class LiveGateway
  implements OnGatewayInit, OnGatewayConnection, OnApplicationShutdown, LiveFeedListener
{
  @WebSocketServer() private namespace: Namespace | undefined;
  private readonly clients = new WeakMap<Socket, Client>();

  constructor(
    @Inject(LiveFeed) private readonly feed: LiveFeed,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(StudioDirectory) private readonly directory: StudioDirectory,
    @Inject(CommandForwarder) private readonly forwarder: CommandForwarder,
    @Inject(TokenWatch) private readonly tokenWatch: TokenWatch,
    @Inject(LiveTick) private readonly tick: LiveTick,
    @Inject(LiveAlerts) private readonly alerts: LiveAlerts,
    @Inject(LiveMetrics) private readonly metrics: LiveMetrics,
    @Inject(PlaybackWatch) private readonly playback: PlaybackWatch,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RATE_LIMIT) private readonly rateLimit: RateLimit,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.server.engine.use(releaseUpgradeResponse);
    namespace.use((socket, next) => {
      releaseConnectionRequest(socket);
      if (!this.feed.rebuilt) return next(new Error('unavailable'));
      const auth = handshakeAuth.safeParse(socket.handshake.auth);
      void this.verifier
        .verify(auth.success ? auth.data.token : undefined)
        .then((principal) => {
          if (principal === null) {
            this.logger.debug('socket refused', { namespace: socket.nsp.name, socket: socket.id });
            return next(new Error('unauthorized'));
          }
          this.clients.set(socket, {
            principal,
            bucket: fullBucket(this.rateLimit, Date.now()),
            behind: null,
            held: new Set(),
          });
          next();
        })
        .catch((error: unknown) => {
          this.logger.error('token check failed', { error });
          next(new Error('unavailable'));
        });
    });
    namespace.adapter.on('delete-room', (name: string) => {
      const room = rooms.parse(name);
      if (room?.kind === 'studio') this.directory.unwatch(room.studioId);
    });
    this.feed.listen(this);
    this.directory.listen((devices) => this.studioDevices(devices));
    this.tick.start(namespace, (socket) => this.clients.get(socket));
    this.tokenWatch.start();
    this.playback.start(namespace);
  }

  handleConnection(socket: Socket): void {
    const client = this.clients.get(socket);
    if (!client) return void socket.disconnect(true);
    guardSocket(socket, client.bucket, this.rateLimit, () => {
      this.metrics.flooded();
      this.logger.warn('client flooded, disconnected', { socket: socket.id });
    });
    // A recovered connection is back in its rooms but missed values frames: full ones next tick.
    if (socket.recovered) ValuesDelivery.markBehind(socket, client);
    // Its classes are held again as long as it watches them; every one is let go of when it leaves.
    if (socket.recovered) for (const sessionId of sessionRoomsOf(socket)) this.hold(client, sessionId);
    socket.once('disconnect', () => {
      for (const sessionId of client.held) this.feed.classes.release(sessionId);
      client.held.clear();
    });
    const { principal } = client;
    // Who, never with what: the token stays out of the log (its id too).
    const who = {
      namespace: socket.nsp.name,
      socket: socket.id,
      studio: principal.kind === 'studio' ? principal.studioId : null,
      role: principal.kind === 'studio' ? principal.role : 'admin',
    };
    this.logger.debug('socket connected', { ...who, recovered: socket.recovered });
    socket.once('disconnect', (reason) => this.logger.debug('socket disconnected', { ...who, reason }));
    // The bootstrap token cannot be revoked; a studio token is watched while the socket is open.
    if (principal.kind === 'studio') {
      const forget = this.tokenWatch.watch(
        principal.tokenId,
        principal.expiresAt?.getTime() ?? null,
        (reason) => this.endForToken(socket, reason),
      );
      socket.once('disconnect', forget);
    }
  }

  /** Tells the client why, then disconnects it (the event is written before the close). */
  private endForToken(socket: Socket, reason: TokenEndReason): void {
    this.metrics.tokenEnded(reason);
    socket.emit(liveEvents.authRevoked, { reason, at: Date.now() });
    socket.disconnect(true);
  }

  /** LiveTick and PlaybackWatch stop their own clocks on shutdown. */
  onApplicationShutdown(): void {
    this.tokenWatch.stop();
    this.directory.stop();
    this.namespace?.disconnectSockets(true);
  }

  @SubscribeMessage(liveEvents.sessionSubscribe)
  async subscribe(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: unknown,
  ): Promise<Ack<{ snapshot: SessionSnapshot }>> {
    const request = parseWith(sessionSubscribeRequest, body);
    if (!request.ok) return failure('bad-request', request.error);
    const client = this.clients.get(socket);
    const session = await this.findSession(request.value.sessionId);
    if (session === 'unavailable') return failure('unavailable', 'the class could not be read; try again');
    if (!client || !session || !may(client.principal, 'read', session.session.studioId).ok) {
      return failure('not-found', 'no such session');
    }
    // A socket gone meanwhile has released what it held: it must not hold anything again.
    if (socket.disconnected) return failure('unavailable', 'disconnected');
    const sessionId = session.session.sessionId;
    // Held from now on, before anything awaits: an ended class is not let go of while a screen watches it.
    this.hold(client, sessionId);
    await socket.join(
      request.value.encoding === 'compact'
        ? [rooms.session(sessionId), rooms.sessionCompact(sessionId)]
        : rooms.session(sessionId),
    );
    if (request.value.encoding !== 'compact') await socket.leave(rooms.sessionCompact(sessionId));
    client.behind?.delete(session.session.sessionId); // the snapshot brings it up to date
    const metadata = session.metadata();
    const snapshot = sessionSnapshot.parse(this.snapshotOf(session, metadata));
    // The athletes' own metadata objects, checked above, not the parsed copy: connection-state
    // recovery keeps every emit for its 2 minutes, and a copy for each screen was ~1 KB at 5 athletes.
    socket.emit(liveEvents.metadata, metadata);
    return { ok: true, snapshot };
  }

  @SubscribeMessage(liveEvents.studioSubscribe)
  async subscribeStudio(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: unknown,
  ): Promise<Ack<{ snapshot: StudioSnapshot }>> {
    const request = parseWith(studioSubscribeRequest, body);
    if (!request.ok) return failure('bad-request', request.error);
    const { studioId } = request.value;
    const client = this.clients.get(socket);
    if (!client || !may(client.principal, 'read', studioId).ok) return failure('not-found', 'no such studio');
    try {
      const studio = await this.directory.studio(studioId);
      if (studio === null) return failure('not-found', 'no such studio');
      await socket.join(rooms.studio(studioId));
      const unassigned = await this.directory.unassigned(studioId);
      this.directory.watch(studioId, unassigned);
      const snapshot = studioSnapshot.parse({
        studio,
        liveSessionId: this.feed.liveSessionOf(studioId),
        unassigned,
        spotify: this.feed.playback.state(studioId),
      });
      this.playback.watch(studioId);
      return { ok: true, snapshot };
    } catch (error) {
      this.logger.error('studio snapshot failed', { studioId, error });
      return failure('unavailable', 'the studio could not be read; try again');
    }
  }

  @SubscribeMessage(liveEvents.unsubscribe)
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack<object>> {
    const request = parseWith(unsubscribeRequest, body);
    if (!request.ok) return failure('bad-request', request.error);
    if ('sessionId' in request.value) {
      await socket.leave(rooms.session(request.value.sessionId));
      await socket.leave(rooms.sessionCompact(request.value.sessionId));
      const client = this.clients.get(socket);
      if (client?.held.delete(request.value.sessionId)) this.feed.classes.release(request.value.sessionId);
    } else await socket.leave(rooms.studio(request.value.studioId));
    return { ok: true };
  }

  @SubscribeMessage(liveEvents.timerCommand)
  async timerCommand(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<CommandReply> {
    const request = parseWith(timerCommandRequest, body);
    if (!request.ok) return failure('bad-request', request.error);
    const client = this.clients.get(socket);
    if (!client || !may(client.principal, 'write').ok)
      return failure('forbidden', 'a display cannot send commands');
    const session = await this.findSession(request.value.sessionId);
    if (session === 'unavailable') return failure('unavailable', 'the class could not be read; try again');
    if (!session || !may(client.principal, 'read', session.session.studioId).ok)
      return failure('not-found', 'no such session');
    return this.forwarder.forward(commandSubjects.timer(request.value.sessionId), {
      command: request.value,
      actor: actorOf(client.principal),
    });
  }

  @SubscribeMessage(liveEvents.spotifyCommand)
  async spotifyCommand(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: unknown,
  ): Promise<CommandReply> {
    const request = parseWith(spotifyCommandRequest, body);
    if (!request.ok) return failure('bad-request', request.error);
    const client = this.clients.get(socket);
    if (!client || !may(client.principal, 'write').ok)
      return failure('forbidden', 'a display cannot send commands');
    if (!may(client.principal, 'read', request.value.studioId).ok)
      return failure('not-found', 'no such studio');
    return this.forwarder.forward(commandSubjects.spotify(request.value.studioId), {
      command: request.value,
      actor: actorOf(client.principal),
    });
  }

  @SubscribeMessage(liveEvents.timePing)
  timePing(@MessageBody() body: unknown): Ack<{ serverTime: number }> {
    const request = parseWith(timePingRequest, body ?? {});
    if (!request.ok) return failure('bad-request', request.error);
    return { ok: true, serverTime: Date.now() };
  }

  /** The class (read on demand if it ended long ago), or 'unavailable' when the log cannot be read. */
  private async findSession(sessionId: string): Promise<LiveSessionState | null | 'unavailable'> {
    try {
      return await this.feed.find(sessionId);
    } catch (error) {
      this.logger.error('cannot read a class', { sessionId, error });
      return 'unavailable';
    }
  }

  private hold(client: Client, sessionId: string): void {
    if (client.held.has(sessionId)) return;
    client.held.add(sessionId);
    this.feed.classes.hold(sessionId);
  }

  rosterChanged(session: LiveSessionState): void {
    this.namespace
      ?.to(rooms.session(session.session.sessionId))
      .emit(liveEvents.metadata, session.metadata());
  }

  statusChanged(session: LiveSessionState): void {
    const { sessionId, studioId, status } = session.session;
    // The studio's room hears it too: that is how a studio screen learns its live class changed.
    this.namespace
      ?.to([rooms.session(sessionId), rooms.studio(studioId)])
      .emit(liveEvents.sessionState, { sessionId, status });
  }

  alert(session: LiveSessionState, alert: LiveAlert): void {
    if (this.namespace) this.alerts.emit(this.namespace, session, alert);
  }

  timerState(state: TimerState): void {
    this.namespace?.to(rooms.session(state.sessionId)).emit(liveEvents.timerState, state);
  }

  /** To the studio's room and its live class's room: both snapshots carry it. */
  spotifyState(state: SpotifyState): void {
    const live = this.feed.liveSessionOf(state.studioId);
    const targets = [rooms.studio(state.studioId), ...(live === null ? [] : [rooms.session(live)])];
    this.namespace?.to(targets).emit(liveEvents.spotifyState, state);
  }

  private studioDevices(devices: StudioDevices): void {
    this.namespace?.to(rooms.studio(devices.studioId)).emit(liveEvents.studioDevices, devices);
  }

  private snapshotOf(session: LiveSessionState, metadata: HrmMetadata): SessionSnapshot {
    const now = Date.now();
    const sessionId = session.session.sessionId;
    return {
      session: session.session,
      metadata,
      values: { sessionId, seq: session.seq, at: now, values: session.allValues(now) },
      timer: this.feed.timers.state(sessionId),
      spotify: this.feed.playback.state(session.session.studioId),
    };
  }
}

/** The classes whose room a socket is in (its compact rooms aside). */
function sessionRoomsOf(socket: Socket): string[] {
  return [...socket.rooms].flatMap((name) => {
    const room = rooms.parse(name);
    return room?.kind === 'session' ? [room.sessionId] : [];
  });
}
