// Socket.IO namespace /live (contract 2): handshake auth, subscriptions to a
// class's or a studio's room with a snapshot in the ack, commands forwarded to
// their owners, metadata on roster change, alerts, and one coalesced values
// frame per class room per tick. Handlers parse with the contract's schemas
// and answer in the ack; the logic lives in LiveFeed, LiveSessionState,
// StudioDirectory, CommandForwarder, ValuesDelivery and TokenWatch (which
// ends a socket whose token is revoked or expires while it is open).
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
import { Metrics, TokenVerifier, may, type Principal } from '#platform';
import { failure, guardSocket } from './client-guard.js';
import { CommandForwarder, actorOf } from '../command-forwarder.js';
import { LiveFeed, type LiveFeedListener } from '../state/live-feed.js';
import type { LiveSessionState } from '../state/live-session.js';
import { fullBucket, type Bucket, type RateLimit } from './rate-limit.js';
import { StudioDirectory } from '../state/studio-directory.js';
import { TIMER_RESYNC_MS } from '../state/timer-board.js';
import { TokenWatch, type TokenEndReason } from './token-watch.js';
import { LOGGER, RATE_LIMIT, SPOTIFY_WATCH, TICK_MS } from '../injection.js';
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

/** How often the studios that screens watch are named to the Spotify worker (it polls them fast for 30 s). */
export const SPOTIFY_WATCH_EVERY_MS = 10_000;

/** Tells the Spotify worker a screen watches this studio. */
export type SpotifyWatch = (studioId: string) => void;

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
  private ticker: NodeJS.Timeout | null = null;
  private slowTicker: NodeJS.Timeout | null = null;
  private readonly delivery: ValuesDelivery;
  private readonly floodedTotal;
  private readonly tokenEndsTotal;
  private readonly socketsGauge;
  private readonly memoryGauge;
  private readonly classesGauge;

  constructor(
    @Inject(LiveFeed) private readonly feed: LiveFeed,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    @Inject(StudioDirectory) private readonly directory: StudioDirectory,
    @Inject(CommandForwarder) private readonly forwarder: CommandForwarder,
    @Inject(TokenWatch) private readonly tokenWatch: TokenWatch,
    @Inject(Metrics) metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(TICK_MS) private readonly tickMs: number,
    @Inject(RATE_LIMIT) private readonly rateLimit: RateLimit,
    @Inject(SPOTIFY_WATCH) private readonly spotifyWatch: SpotifyWatch,
  ) {
    this.delivery = new ValuesDelivery(metrics);
    this.floodedTotal = metrics.counter(
      'hrm_realtime_flooding_disconnects_total',
      'Sockets disconnected for sending past the rate limit',
    );
    this.tokenEndsTotal = metrics.counter(
      'hrm_realtime_token_disconnects_total',
      'Sockets disconnected because their token was revoked or expired, by reason',
    );
    this.socketsGauge = metrics.gauge('hrm_realtime_sockets', 'Connected sockets on /live');
    // With the socket count, memory per connected screen (the fan-out bench reads both).
    this.memoryGauge = metrics.gauge(
      'hrm_realtime_memory_bytes',
      'Process memory, by kind (rss, heapTotal, heapUsed, external, arrayBuffers)',
    );
    this.classesGauge = metrics.gauge(
      'hrm_realtime_classes',
      'Classes in memory, by status (an ended one nobody watches is let go of after the horizon)',
    );
  }

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
    this.ticker = setInterval(() => this.tick(), this.tickMs);
    this.tokenWatch.start();
    let sinceWatch = 0;
    this.slowTicker = setInterval(() => {
      this.feed.timers.resync();
      sinceWatch += TIMER_RESYNC_MS;
      if (sinceWatch >= SPOTIFY_WATCH_EVERY_MS) {
        sinceWatch = 0;
        this.watchPlayback();
      }
    }, TIMER_RESYNC_MS);
    this.watchPlayback();
  }

  handleConnection(socket: Socket): void {
    const client = this.clients.get(socket);
    if (!client) return void socket.disconnect(true);
    guardSocket(socket, client.bucket, this.rateLimit, () => {
      this.floodedTotal();
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
    this.tokenEndsTotal({ reason });
    socket.emit(liveEvents.authRevoked, { reason, at: Date.now() });
    socket.disconnect(true);
  }

  onApplicationShutdown(): void {
    if (this.ticker) clearInterval(this.ticker);
    if (this.slowTicker) clearInterval(this.slowTicker);
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
      this.spotifyWatch(studioId);
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
    this.namespace?.to(rooms.session(session.session.sessionId)).emit(liveEvents.alert, alert);
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

  /** Every studio a screen watches, directly or through one of its classes. */
  private watchPlayback(): void {
    const roomsNow = this.namespace?.adapter.rooms;
    if (!roomsNow) return;
    const studios = new Set<string>();
    for (const [name, members] of roomsNow) {
      if (members.size === 0) continue;
      const room = rooms.parse(name);
      if (room?.kind === 'studio') studios.add(room.studioId);
      else if (room?.kind === 'session') {
        const session = this.feed.sessions.get(room.sessionId);
        if (session?.session.status === 'live') studios.add(session.session.studioId);
      }
    }
    for (const studioId of studios) this.spotifyWatch(studioId);
  }

  private studioDevices(devices: StudioDevices): void {
    this.namespace?.to(rooms.studio(devices.studioId)).emit(liveEvents.studioDevices, devices);
  }

  /** Alerts of every live class, and one values frame per class room with subscribers. */
  private tick(): void {
    const namespace = this.namespace;
    if (!namespace) return;
    const now = Date.now();
    const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
    this.memoryGauge(rss, { kind: 'rss' });
    this.memoryGauge(heapTotal, { kind: 'heapTotal' });
    this.memoryGauge(heapUsed, { kind: 'heapUsed' });
    this.memoryGauge(external, { kind: 'external' });
    this.memoryGauge(arrayBuffers, { kind: 'arrayBuffers' });
    this.socketsGauge(namespace.sockets.size);
    const classes = { scheduled: 0, live: 0, ended: 0 };
    for (const [sessionId, session] of this.feed.sessions) {
      classes[session.session.status]++;
      for (const alert of session.dueAlerts(now)) this.alert(session, alert);
      const members = namespace.adapter.rooms.get(rooms.session(sessionId));
      if (!members || members.size === 0) continue;
      this.delivery.deliver(namespace, session, members, (socket) => this.clients.get(socket), now);
    }
    for (const [status, count] of Object.entries(classes)) this.classesGauge(count, { status });
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
