// Read model of the classes: `sessions` and `participants`, from evt.session.>.
// Each event is applied to its class's state by the domain's `evolve` (the one
// fold of a class), and the rows are written from what the state gained:
// the class's status and times, each participant's join, leave and raised max.
import { eventSubjects, isSessionEvent, streams } from '#contracts';
import { evolve } from '#domain';
import type { EventStore, Projection, StoredEvent, Tx } from '#eventstore';
import { ClassStates } from './class-states.js';
import { changesBetween, writeChanges } from './class-rows.js';

/** Classes whose state is kept between events: more than are ever open at once on one platform. */
const CLASSES_HELD = 2000;

export class SessionsProjection implements Projection {
  readonly name = 'api-sessions';
  readonly stream = streams.events.name;
  readonly filterSubject = eventSubjects.allSessions;
  private readonly states: ClassStates;

  /** `log`: where a class not held in memory is read back from (null: nowhere, it is taken as unknown). */
  constructor(log: EventStore | null, capacity = CLASSES_HELD) {
    this.states = new ClassStates(log, capacity);
  }

  /** Classes whose state is held in memory: open ones, up to the capacity. */
  get classesHeld(): number {
    return this.states.size;
  }

  /** Times a class was read back from its subject (a class not held: after a restart mid-class). */
  get classesReadBack(): number {
    return this.states.foldedFromLog;
  }

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    const applied = await appliedVersions(tx, events);
    for (const { seq, event } of events) {
      if (!isSessionEvent(event)) continue;
      const sessionId = event.data.sessionId;
      const appliedVersion = applied.get(sessionId) ?? 0;
      const before = await this.states.before(event, seq, appliedVersion);
      const after = evolve(before, event);
      // The state is the log's, whether or not its rows get written: an event the database refuses
      // is parked, and the class's next events are applied to the state that holds it.
      this.states.remember(sessionId, after, seq, appliedVersion);
      // No class yet (an event before its scheduling, never decided so): no row to write.
      if (after.status === 'initial') continue;
      // An event the fold leaves the class unchanged by moves only the version.
      const changes = changesBetween(before, after);
      if (await writeChanges(tx, sessionId, changes, { seq, occurredAt: event.occurredAt }))
        applied.set(sessionId, Math.max(appliedVersion, seq));
    }
  }
}

/** The read model's version of each class of the batch: the sequence of its last event applied. */
async function appliedVersions(tx: Tx, events: StoredEvent[]): Promise<Map<string, number>> {
  const ids = new Set<string>();
  for (const { event } of events) if (isSessionEvent(event)) ids.add(event.data.sessionId);
  if (ids.size === 0) return new Map();
  const rows = await tx.session.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, version: true },
  });
  return new Map(rows.map((row) => [row.id, Number(row.version)]));
}

/**
 * The projection with nothing to read back: a class it does not hold is taken
 * as unknown. For the list of the API's projections, and for specs that feed
 * it a class's events by hand from its scheduling.
 */
export const sessionsProjection = new SessionsProjection(null);
