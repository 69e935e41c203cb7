// Which studios deserve fast polling: those with a live class (from the log,
// evt.session.>), and those a screen watches (a heartbeat on spotify.watch.<studioId>
// that realtime publishes for each studio room with a screen in it).
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { eventSubjects, spotifySubjects, streams } from '#contracts';
import type { EventStore, Tail } from '#eventstore';

/** A screen counts as watching this long after its last heartbeat. */
export const WATCH_TTL_MS = 30_000;

export class StudioActivity {
  private readonly studioOfSession = new Map<string, string>();
  private readonly liveSessions = new Map<string, string>();
  private readonly watchedUntil = new Map<string, number>();
  private tail: Tail | null = null;
  private subscription: Subscription | null = null;

  async start(store: EventStore, nats: NatsConnection): Promise<void> {
    this.tail = await store.tail(streams.events.name, eventSubjects.allSessions, 'all', ({ event }) => {
      if (event.type === 'session.scheduled')
        this.studioOfSession.set(event.data.sessionId, event.data.studioId);
      if (event.type === 'session.started') {
        const studioId = this.studioOfSession.get(event.data.sessionId);
        if (studioId !== undefined) this.liveSessions.set(event.data.sessionId, studioId);
      }
      if (event.type === 'session.ended') this.liveSessions.delete(event.data.sessionId);
    });
    this.subscription = nats.subscribe(spotifySubjects.allWatch, {
      callback: (error, message) => {
        if (error) return;
        const studioId = message.subject.split('.')[2];
        if (studioId !== undefined) this.watch(studioId);
      },
    });
  }

  watch(studioId: string, now = Date.now()): void {
    this.watchedUntil.set(studioId, now + WATCH_TTL_MS);
  }

  isBusy(studioId: string, now = Date.now()): boolean {
    if ((this.watchedUntil.get(studioId) ?? 0) > now) return true;
    for (const studio of this.liveSessions.values()) if (studio === studioId) return true;
    return false;
  }

  async stop(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.tail?.stop();
  }
}
