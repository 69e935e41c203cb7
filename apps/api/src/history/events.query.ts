// A class's own event log (evt.session.<id> and its timer's,
// evt.session.<id>.timer, merged by stream sequence), paged by stream
// sequence, for replay. A class holds few events (one per roster change,
// lifecycle step and timer command), so it is read whole and sliced.
import {
  eventSubjects,
  isSessionEvent,
  isTimerEvent,
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
  const [session, timer] = await Promise.all([
    store.readAggregate(streams.events.name, eventSubjects.session(sessionId)),
    store.readAggregate(streams.events.name, eventSubjects.timer(sessionId)),
  ]);
  const events = [...session.events, ...timer.events].sort((a, b) => a.seq - b.seq);
  const later = events.filter((stored) => stored.seq > after);
  const page = later.slice(0, limit);
  const last = page.at(-1);
  return {
    sessionId,
    events: page.flatMap(({ seq, event }) =>
      isSessionEvent(event) || isTimerEvent(event) ? [{ ...event, seq }] : [],
    ),
    next: later.length > limit && last !== undefined ? last.seq : null,
  };
}
