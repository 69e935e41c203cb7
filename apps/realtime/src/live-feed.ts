// Reads the log into LiveSessionStates: every session event from the start,
// and, for each live class, its heart-rate events from the start of the class
// (so running totals after a restart equal those before it).
import {
  eventSubjects,
  isHeartRateEvent,
  isSessionEvent,
  isSpotifyEvent,
  isTimerEvent,
  streams,
  type LiveAlert,
  type SpotifyState,
  type TimerState,
} from '#contracts';
import type { Logger } from '#config';
import type { EventStore, StoredEvent, Tail } from '#eventstore';
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

/** A heart-rate reader's handler: the class takes in each heart-rate event of its subjects. */
const heartRateInto =
  (session: LiveSessionState) =>
  ({ event }: StoredEvent): void => {
    if (isHeartRateEvent(event)) session.applyHeartRate(event);
  };

export class LiveFeed {
  readonly sessions = new Map<string, LiveSessionState>();
  private sessionTail: Tail | null = null;
  private spotifyTail: Tail | null = null;
  /** Each class's timer (evt.session.<id>.timer), with its boundary frames scheduled. */
  readonly timers = new TimerBoard({ send: (state) => this.listener?.timerState(state) });
  /** What plays in each studio (evt.studio.<id>.spotify). */
  readonly playback = new SpotifyBoard();
  private readonly heartRateTails = new Map<string, Promise<Tail>>();
  /** Classes whose heart rate was read (followed live, or read once when it had ended before we started). */
  private readonly heartRateRead = new Map<string, Promise<void>>();
  private listener: LiveFeedListener | null = null;
  /** Stream sequence of the last session event applied. */
  position = 0;
  /** While replaying, heart rate is followed only for classes still live at the end, and nothing alerts. */
  private replaying = true;
  /** True once every class is rebuilt from the log: readiness, and the gate for screens. */
  rebuilt = false;

  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    /** `INGEST_MAX_FUTURE_MS`: a sample further ahead of its recording is no athlete's latest. */
    private readonly options: { maxFutureMs?: number } = {},
  ) {}

  listen(listener: LiveFeedListener): void {
    this.listener = listener;
  }

  /** Resolves when every class's state is rebuilt from the log: only then may screens subscribe. */
  async start(): Promise<void> {
    this.sessionTail = await this.store.tail(
      streams.events.name,
      eventSubjects.allSessions,
      'all',
      (stored) => this.onSessionEvent(stored),
      (subject, seq, reason) => this.logger.error('invalid event', { subject, seq, reason }),
    );
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
    await Promise.all([this.sessionTail.caughtUp, this.spotifyTail.caughtUp]);
    this.replaying = false;
    this.timers.goLive();
    for (const session of this.sessions.values()) {
      if (session.session.status === 'live') this.followHeartRate(session);
    }
    await Promise.all([...this.heartRateTails.values()].map(async (tail) => (await tail).caughtUp));
    // What is already wrong was announced by whichever instance ran before: note it, do not repeat it.
    const now = Date.now();
    for (const session of this.sessions.values()) session.dueAlerts(now, true);
    this.rebuilt = true;
  }

  async stop(): Promise<void> {
    this.timers.stop();
    await this.sessionTail?.stop();
    await this.spotifyTail?.stop();
    for (const tail of this.heartRateTails.values()) await (await tail).stop();
    this.heartRateTails.clear();
  }

  /** The class, waiting briefly for its first events when the log has them and we have not read them yet. */
  async find(sessionId: string): Promise<LiveSessionState | null> {
    const known = this.sessions.get(sessionId);
    if (known) return this.withHeartRate(known);
    const last = await this.store.lastSequenceOf(streams.events.name, eventSubjects.session(sessionId));
    if (last === 0) return null;
    const deadline = Date.now() + 2000;
    while (this.position < last && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const found = this.sessions.get(sessionId);
    return found ? this.withHeartRate(found) : null;
  }

  /**
   * A class that ended before this instance started has not had its heart rate
   * read: read it once, on its first subscriber, so its snapshot shows the
   * final values and totals (as long as the HR stream keeps them).
   */
  private async withHeartRate(session: LiveSessionState): Promise<LiveSessionState> {
    const sessionId = session.session.sessionId;
    if (session.session.status !== 'ended' || this.heartRateTails.has(sessionId)) return session;
    let read = this.heartRateRead.get(sessionId);
    if (!read) {
      read = (async () => {
        const tail = await this.store.tail(
          streams.heartRate.name,
          eventSubjects.sessionHeartRate(sessionId),
          'all',
          heartRateInto(session),
        );
        await tail.caughtUp;
        await tail.stop();
      })();
      this.heartRateRead.set(sessionId, read);
      read.catch((error: unknown) => {
        this.heartRateRead.delete(sessionId);
        this.logger.error('cannot read heart rate of an ended class', { sessionId, error });
      });
    }
    await read.catch(() => undefined);
    return session;
  }

  private onSessionEvent({ seq, event }: StoredEvent): void {
    if (isTimerEvent(event)) return this.timers.apply(event, seq);
    if (!isSessionEvent(event)) return;
    this.position = Math.max(this.position, seq);
    const sessionId = event.data.sessionId;
    let session = this.sessions.get(sessionId);
    if (!session) {
      if (event.type !== 'session.scheduled') return;
      session = new LiveSessionState(event, this.options.maxFutureMs);
      this.sessions.set(sessionId, session);
    }
    const change = session.applySessionEvent(event, seq);
    if (!this.replaying && event.type === 'session.started') this.followHeartRate(session);
    if (event.type === 'session.ended') this.unfollowHeartRate(sessionId);
    if (change === 'roster') this.listener?.rosterChanged(session);
    if (change === 'status') this.listener?.statusChanged(session);
    if (!this.replaying && change === 'roster' && event.type === 'session.max-hr-raised') {
      const alert = session.maxHrRaisedAlert(event, Date.now());
      if (alert) this.listener?.alert(session, alert);
    }
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

  private followHeartRate(session: LiveSessionState): void {
    const sessionId = session.session.sessionId;
    if (!this.heartRateTails.has(sessionId)) {
      this.heartRateRead.set(sessionId, Promise.resolve());
      const tail = this.store.tail(
        streams.heartRate.name,
        eventSubjects.sessionHeartRate(sessionId),
        'all',
        heartRateInto(session),
      );
      tail.catch((error) => this.logger.error('cannot follow heart rate', { sessionId, error }));
      this.heartRateTails.set(sessionId, tail);
    }
  }

  private unfollowHeartRate(sessionId: string): void {
    const tail = this.heartRateTails.get(sessionId);
    if (!tail) return;
    this.heartRateTails.delete(sessionId);
    // Late samples of the last seconds still arrive for a while after the end.
    setTimeout(() => void tail.then((running) => running.stop()), 30_000).unref();
  }
}
