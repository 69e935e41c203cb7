// Which studios deserve fast polling: those with a live class, and those a
// screen watches (a heartbeat on spotify.watch.<studioId> that realtime
// publishes for each studio room with a screen in it). The classes come from
// OpenClasses: at start only the open ones (the index of classes, then each
// class's own subject), and each one is let go of as soon as its end is read,
// so memory holds open classes only, however long the log.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { spotifySubjects } from '#contracts';
import type { Logger } from '#config';
import type { SessionState } from '#domain';
import { OpenClasses, type EventStore } from '#eventstore';

/** A screen counts as watching this long after its last heartbeat. */
export const WATCH_TTL_MS = 30_000;

export class StudioActivity {
  private readonly classes: OpenClasses;
  /** Studio of each live class, by sessionId. */
  private readonly liveClasses = new Map<string, string>();
  private readonly watchedUntil = new Map<string, number>();
  private subscription: Subscription | null = null;

  constructor(store: EventStore, logger: Logger) {
    this.classes = new OpenClasses(store, logger, { keepEndedMs: 0 });
    this.classes.listen({
      loaded: (sessionId, { state }) => this.follow(sessionId, state),
      applied: ({ sessionId, state }) => this.follow(sessionId, state),
      forgotten: (sessionId) => this.liveClasses.delete(sessionId),
    });
  }

  /** Resolves once every open class is read and the log is followed up to now. */
  async start(nats: NatsConnection): Promise<void> {
    await this.classes.start();
    this.subscription = nats.subscribe(spotifySubjects.allWatch, {
      callback: (error, message) => {
        if (error) return;
        const studioId = message.subject.split('.')[2];
        if (studioId !== undefined) this.watch(studioId);
      },
    });
  }

  /** Classes in memory: open ones only, an ended class is let go of at once. */
  get classesHeld(): number {
    return this.classes.size;
  }

  watch(studioId: string, now = Date.now()): void {
    this.watchedUntil.set(studioId, now + WATCH_TTL_MS);
  }

  isBusy(studioId: string, now = Date.now()): boolean {
    if ((this.watchedUntil.get(studioId) ?? 0) > now) return true;
    for (const studio of this.liveClasses.values()) if (studio === studioId) return true;
    return false;
  }

  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.classes.stop();
  }

  private follow(sessionId: string, state: SessionState): void {
    if (state.status === 'live') this.liveClasses.set(sessionId, state.studioId);
    else this.liveClasses.delete(sessionId);
  }
}
