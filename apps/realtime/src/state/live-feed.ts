// The classes screens can watch, as OpenClasses holds them: at start the open
// ones (scheduled or live) from the index of classes, each from its own
// subjects; a class scheduled later from the tail; an ended one a screen asks
// for, on demand. Each is the domain's fold, from which LiveSessionState
// derives what screens see; a live class's heart rate is followed from its
// start, so totals after a restart equal those before. An ended class nobody
// watches is let go of `keepEndedMs` after its end or its last screen.
import { eventSubjects, isSpotifyEvent, isTimerEvent, streams, type LiveAlert } from '#contracts';
import type { SpotifyState, TimerState } from '#contracts';
import type { Logger } from '#config';
import { OpenClasses, type ClassChange, type EventStore, type HeldClass, type Tail } from '#eventstore';
import { ClassTimers } from './class-timers.js';
import { HeartRateReaders } from './heart-rate-readers.js';
import { LiveSessionState } from './live-session.js';
import { SpotifyBoard } from './spotify-board.js';
import { TimerBoard } from './timer-board.js';

export interface LiveFeedListener {
  rosterChanged(session: LiveSessionState): void;
  statusChanged(session: LiveSessionState): void;
  alert(session: LiveSessionState, alert: LiveAlert): void;
  timerState(state: TimerState): void;
  spotifyState(state: SpotifyState): void;
}

/** How long an ended class nobody watches stays in memory after its end or its last screen. */
export const KEEP_ENDED_MS = 15 * 60 * 1000;

export interface LiveFeedOptions {
  /** `INGEST_MAX_FUTURE_MS`: a sample further ahead of its recording is no athlete's latest. */
  maxFutureMs?: number;
  /** `REALTIME_KEEP_ENDED_MS` (`KEEP_ENDED_MS` by default). */
  keepEndedMs?: number;
}

export class LiveFeed {
  readonly sessions = new Map<string, LiveSessionState>();
  /** The classes in memory, held while a screen watches them. */
  readonly classes: OpenClasses;
  /** Each class's timer (evt.session.<id>.timer), with its boundary frames scheduled. */
  readonly timers = new TimerBoard({ send: (state) => this.listener?.timerState(state) });
  /** What plays in each studio (evt.studio.<id>.spotify). */
  readonly playback = new SpotifyBoard();
  private readonly classTimers: ClassTimers;
  private readonly heartRate: HeartRateReaders;
  private spotifyTail: Tail | null = null;
  private listener: LiveFeedListener | null = null;
  /** While the open classes are read at start, heart rate is not followed yet and nothing alerts. */
  private replaying = true;
  /** True once every open class is read: readiness, and the gate for screens. */
  rebuilt = false;

  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly options: LiveFeedOptions = {},
  ) {
    const keepEndedMs = options.keepEndedMs ?? KEEP_ENDED_MS;
    // A short horizon (tests) is swept as often as it needs; the default every 30 s.
    const sweepEveryMs = Math.min(30_000, Math.max(100, Math.floor(keepEndedMs / 4)));
    this.classes = new OpenClasses(store, logger, { keepEndedMs, sweepEveryMs });
    this.classTimers = new ClassTimers(store, this.timers);
    this.heartRate = new HeartRateReaders(store, logger);
    this.classes.listen({
      loaded: (sessionId, held) => this.onLoaded(sessionId, held),
      applied: (change) => this.onApplied(change),
      forgotten: (sessionId) => this.onForgotten(sessionId),
      other: ({ event, seq }) => {
        if (isTimerEvent(event)) this.classTimers.apply(event, seq);
      },
    });
  }

  listen(listener: LiveFeedListener): void {
    this.listener = listener;
  }

  /** EVENTS sequence up to which every session event is read. */
  get position(): number {
    return this.classes.position;
  }

  /** Resolves when every open class is read from the log: only then may screens subscribe. */
  async start(): Promise<void> {
    await this.classes.start();
    // Every spotify event carries the studio's whole state: the last one of each studio is enough.
    this.spotifyTail = await this.store.tail(
      streams.events.name,
      eventSubjects.allStudioSpotify,
      'last-per-subject',
      ({ event }) => {
        if (!isSpotifyEvent(event)) return;
        const changed = this.playback.apply(event);
        if (changed !== null && !this.replaying) this.listener?.spotifyState(changed);
      },
      (subject, seq, reason) => this.logger.error('invalid event', { subject, seq, reason }),
    );
    await this.spotifyTail.caughtUp;
    await Promise.all([...this.sessions.keys()].map((sessionId) => this.classTimers.read(sessionId)));
    this.replaying = false;
    this.timers.goLive();
    for (const session of this.sessions.values()) {
      if (session.session.status === 'live') this.heartRate.follow(session);
    }
    await this.heartRate.caughtUp();
    // What is already wrong was announced by whichever instance ran before: note it, do not repeat it.
    const now = Date.now();
    for (const session of this.sessions.values()) session.dueAlerts(now, true);
    this.rebuilt = true;
  }

  async stop(): Promise<void> {
    this.timers.stop();
    await this.classes.stop();
    await this.spotifyTail?.stop();
    await this.heartRate.stop();
  }

  /**
   * The class, from memory or read on demand from its subjects (an ended class
   * of last month): with its timer, and an ended class with its heart rate, so
   * its snapshot shows the final values. Null when the log has no such class.
   */
  async find(sessionId: string): Promise<LiveSessionState | null> {
    const held = await this.classes.find(sessionId);
    const session = held === null ? undefined : this.sessions.get(sessionId);
    if (session === undefined) return null;
    await this.classTimers.read(sessionId);
    await this.heartRate.readOnce(session);
    return session;
  }

  /** The live class of a studio (the latest started if several are), or null. */
  liveSessionOf(studioId: string): string | null {
    let live: LiveSessionState | null = null;
    for (const session of this.sessions.values()) {
      const { studioId: owner, status, startedAt } = session.session;
      if (owner !== studioId || status !== 'live') continue;
      if (live === null || (startedAt ?? 0) >= (live.session.startedAt ?? 0)) live = session;
    }
    return live?.session.sessionId ?? null;
  }

  /** A class read from its own subject (at start, or on demand). */
  private onLoaded(sessionId: string, { state, version }: HeldClass): void {
    const session = new LiveSessionState(state, version, this.options.maxFutureMs);
    this.sessions.set(sessionId, session);
    if (this.replaying) return;
    // Loaded while we follow the log: its timer now (read at start otherwise), its heart rate if live.
    this.readTimer(sessionId);
    if (state.status === 'live') this.heartRate.follow(session);
  }

  private readTimer(sessionId: string): void {
    this.classTimers.read(sessionId).catch((error: unknown) => {
      this.logger.error('cannot read the timer of a class', { sessionId, error });
    });
  }

  /** A session event the tail read, folded into the class. */
  private onApplied({ sessionId, state, previous, event, seq }: ClassChange): void {
    const session = this.sessions.get(sessionId);
    if (session === undefined) {
      // Scheduled now (a class in memory was loaded first): every timer event of it is still to come.
      this.sessions.set(sessionId, new LiveSessionState(state, seq, this.options.maxFutureMs));
      if (previous.status === 'initial') this.classTimers.follow(sessionId);
      else this.readTimer(sessionId);
      return;
    }
    const change = session.update(state, seq);
    if (!this.replaying && event.type === 'session.started') this.heartRate.follow(session);
    if (event.type === 'session.ended') this.heartRate.unfollow(sessionId);
    if (change === 'roster') this.listener?.rosterChanged(session);
    if (change === 'status') this.listener?.statusChanged(session);
    if (!this.replaying && change === 'roster' && event.type === 'session.max-hr-raised') {
      const alert = session.maxHrRaisedAlert(event, Date.now());
      if (alert) this.listener?.alert(session, alert);
    }
  }

  /** An ended class nobody watched past the horizon: nothing of it stays. */
  private onForgotten(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.classTimers.forget(sessionId);
    this.heartRate.forget(sessionId);
  }
}
