// The timers of the classes in memory, and of no other: a class loaded from
// its subject gets its timer from the timer's own subject
// (evt.session.<id>.timer); a class scheduled while the tail follows the log
// gets every timer event from the tail. What the tail brings while a timer is
// being read waits for the read; a sequence already taken in is skipped.
import { eventSubjects, isTimerEvent, streams, type TimerEvent } from '#contracts';
import type { EventStore } from '#eventstore';
import type { TimerBoard } from './timer-board.js';

interface TimerRead {
  done: Promise<void>;
  /** Timer events the tail brought meanwhile. */
  buffered: Array<{ event: TimerEvent; seq: number }>;
}

export class ClassTimers {
  /** Classes whose timer is current on the board: the tail's events go straight to it. */
  private readonly followed = new Set<string>();
  private readonly reading = new Map<string, TimerRead>();

  constructor(
    private readonly store: EventStore,
    private readonly board: TimerBoard,
  ) {}

  /** A class the tail scheduled: it has no timer event before the ones the tail brings next. */
  follow(sessionId: string): void {
    this.followed.add(sessionId);
  }

  /** Reads the timer of a class loaded from its subject; resolves at once when it is current. */
  read(sessionId: string): Promise<void> {
    if (this.followed.has(sessionId)) return Promise.resolve();
    const pending = this.reading.get(sessionId);
    if (pending) return pending.done;
    const read: TimerRead = { done: Promise.resolve(), buffered: [] };
    read.done = this.readInto(sessionId, read).finally(() => {
      if (this.reading.get(sessionId) === read) this.reading.delete(sessionId);
    });
    this.reading.set(sessionId, read);
    return read.done;
  }

  private async readInto(sessionId: string, read: TimerRead): Promise<void> {
    const { events } = await this.store.readAggregate(streams.events.name, eventSubjects.timer(sessionId));
    // Let go of while it was read: nothing to keep.
    if (this.reading.get(sessionId) !== read) return;
    const timerEvents = events.flatMap(({ event, seq }) => (isTimerEvent(event) ? [{ event, seq }] : []));
    this.board.load(sessionId, timerEvents);
    this.followed.add(sessionId);
    for (const { event, seq } of read.buffered) this.board.apply(event, seq);
  }

  /** A timer event from the tail: taken in for a class in memory, ignored for any other. */
  apply(event: TimerEvent, seq: number): void {
    const sessionId = event.data.sessionId;
    const pending = this.reading.get(sessionId);
    if (pending) pending.buffered.push({ event, seq });
    else if (this.followed.has(sessionId)) this.board.apply(event, seq);
  }

  forget(sessionId: string): void {
    this.followed.delete(sessionId);
    this.reading.delete(sessionId);
    this.board.forget(sessionId);
  }
}
