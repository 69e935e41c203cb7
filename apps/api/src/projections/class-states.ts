// The state of each class the sessions projection is writing, as the domain
// folds it: what an event needs to be applied to. A class is held from its
// scheduling (a replay from scratch starts each class from the initial state
// and never reads back), let go of at its end, and the oldest is let go of
// past the capacity. A class not held (the projection restarted mid-class,
// another instance applied its last events, a parked event replayed) is folded
// from its own subject up to the event.
import { eventSubjects, isSessionEvent, streams, type SessionEvent } from '#contracts';
import { foldSession, initialSessionState, type SessionState } from '#domain';
import { LogUnavailableError, type EventStore } from '#eventstore';

interface HeldState {
  state: SessionState;
  /** Sequence of the last event folded into `state`. */
  version: number;
}

export class ClassStates {
  private readonly held = new Map<string, HeldState>();
  private reads = 0;

  /** `log` null: nothing to read back, a class not held is taken as unknown. */
  constructor(
    private readonly log: EventStore | null,
    private readonly capacity: number,
  ) {}

  /** Classes held in memory. */
  get size(): number {
    return this.held.size;
  }

  /** Times a class was folded from its subject. */
  get foldedFromLog(): number {
    return this.reads;
  }

  /**
   * The class's state before the event at `seq`. `appliedVersion` is the read
   * model's version of the class (0 without a row): the state held is used
   * only when it is the state at that version, so events another instance
   * applied meanwhile are never missed.
   */
  async before(event: SessionEvent, seq: number, appliedVersion: number): Promise<SessionState> {
    const sessionId = event.data.sessionId;
    const held = this.held.get(sessionId);
    if (held !== undefined && held.version < seq && held.version === appliedVersion) return held.state;
    if (event.type === 'session.scheduled' && appliedVersion === 0) return initialSessionState;
    return this.fold(sessionId, seq);
  }

  /** Holds the class's state after the event at `seq`, once its rows are written. */
  remember(sessionId: string, state: SessionState, seq: number, appliedVersion: number): void {
    this.held.delete(sessionId);
    // An event older than the read model's (a parked one replayed): the state after it is not the latest.
    if (seq <= appliedVersion || state.status === 'initial' || state.status === 'ended') return;
    this.held.set(sessionId, { state, version: seq });
    const oldest = this.held.keys().next();
    if (this.held.size > this.capacity && oldest.done !== true) this.held.delete(oldest.value);
  }

  private async fold(sessionId: string, seq: number): Promise<SessionState> {
    if (this.log === null) return initialSessionState;
    this.reads++;
    const { events } = await this.log
      .readAggregate(streams.events.name, eventSubjects.session(sessionId))
      .catch((error: unknown) => {
        // The log away: the runner waits and reads again, it does not park the event.
        throw new LogUnavailableError(error instanceof Error ? error.message : String(error));
      });
    return foldSession(
      events
        .filter((stored) => stored.seq < seq)
        .map((stored) => stored.event)
        .filter(isSessionEvent),
    );
  }
}
