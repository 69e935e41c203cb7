// The worker's events, on evt.studio.<studioId>.spotify (docs/events.md).
import crypto from 'node:crypto';
import { eventSubjects, isSpotifyEvent, streams, type SpotifyEvent } from '#contracts';
import type { EventStore, ExpectedVersion } from '#eventstore';

type Body<E extends SpotifyEvent> = E extends SpotifyEvent ? Pick<E, 'type' | 'data'> : never;

export interface LastSpotifyEvent {
  seq: number;
  event: SpotifyEvent | null;
}

export class SpotifyEvents {
  constructor(private readonly store: EventStore) {}

  /** The studio's latest spotify event and the subject's version. */
  async last(studioId: string): Promise<LastSpotifyEvent> {
    const stored = await this.store.lastEventOf(streams.events.name, eventSubjects.studioSpotify(studioId));
    if (stored === null) return { seq: 0, event: null };
    return { seq: stored.seq, event: isSpotifyEvent(stored.event) ? stored.event : null };
  }

  /** Appends one event; `expected` guards against a second poller (a conflict answers null). */
  async append(
    studioId: string,
    body: Body<SpotifyEvent>,
    expected: ExpectedVersion = 'any',
    correlationId: string = crypto.randomUUID(),
  ): Promise<number | null> {
    const now = Date.now();
    const event = {
      id: crypto.randomUUID(),
      occurredAt: now,
      recordedAt: now,
      correlationId,
      causationId: null,
      ...body,
    };
    const subject = eventSubjects.studioSpotify(studioId);
    const result = await this.store.append(subject, [event], { expected });
    return result.ok ? result.version : null;
  }
}
