// A class's own event log (evt.session.<id>), paged by stream sequence, for
// replay. A class holds few events (one per roster change and lifecycle step),
// so it is read whole and sliced.
import {
  eventSubjects,
  isSessionEvent,
  streams,
  type SessionEventsPage,
  type SessionEventsQuery,
} from '#contracts';
import type { EventStore } from '#eventstore';

export async function sessionEventsPage(
  store: EventStore,
  sessionId: string,
  { after = 0, limit }: SessionEventsQuery,
): Promise<SessionEventsPage> {
  const { events } = await store.readAggregate(streams.events.name, eventSubjects.session(sessionId));
  const later = events.filter((stored) => stored.seq > after);
  const page = later.slice(0, limit);
  const last = page.at(-1);
  return {
    sessionId,
    events: page.flatMap(({ seq, event }) => (isSessionEvent(event) ? [{ ...event, seq }] : [])),
    next: later.length > limit && last !== undefined ? last.seq : null,
  };
}
