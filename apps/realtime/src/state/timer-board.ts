// The class timers screens show: each class's timer clock folded from its
// events (evt.session.<id>.timer), and a `timer:state` sent on every command,
// at every segment boundary and as a resync every few seconds. The boundary
// is scheduled from the pure `nextBoundaryAfter`, one timeout per running
// timer (not per screen), so a restarted or a second instance sends the same
// boundaries: the truth is in the events, not in a tick loop.
import type { TimerEvent, TimerState } from '#contracts';
import {
  evolveTimer,
  initialTimerClock,
  nextBoundaryAfter,
  timerStateOfClock,
  type TimerClock,
} from '#domain';

export const TIMER_RESYNC_MS = 5000;

export interface TimerBoardOptions {
  /** Sends a frame to the class's room. */
  send: (state: TimerState) => void;
  now?: () => number;
  /** Seam for tests: runs `run` in `ms`; returns what cancels it. */
  schedule?: (run: () => void, ms: number) => Cancel;
}

export type Cancel = () => void;

function realSchedule(run: () => void, ms: number): Cancel {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
}

interface Entry {
  clock: TimerClock;
  version: number;
  /** Cancels the scheduled boundary frame. */
  boundary: Cancel | null;
}

export class TimerBoard {
  private readonly timers = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly later: (run: () => void, ms: number) => Cancel;
  /** False while the log is replayed at start: nothing is sent or scheduled until then. */
  private live = false;

  constructor(private readonly options: TimerBoardOptions) {
    this.now = options.now ?? Date.now;
    this.later = options.schedule ?? realSchedule;
  }

  /**
   * Takes in one timer event, stream sequence `seq` (the timer's version). An
   * event at or below the version is one already taken in (read from the
   * timer's subject and then brought again by the tail): it changes nothing.
   */
  apply(event: TimerEvent, seq: number): void {
    const { sessionId } = event.data;
    const entry = this.timers.get(sessionId) ?? { clock: initialTimerClock, version: 0, boundary: null };
    if (seq <= entry.version) return;
    entry.clock = evolveTimer(entry.clock, event);
    entry.version = seq;
    this.timers.set(sessionId, entry);
    if (!this.live) return;
    this.options.send(this.stateOf(sessionId, entry, this.now()));
    this.schedule(sessionId, entry);
  }

  /** A class's timer read from its own subject, in log order: folded without a frame per event. */
  load(sessionId: string, events: ReadonlyArray<{ event: TimerEvent; seq: number }>): void {
    if (events.length === 0) return;
    const entry = this.timers.get(sessionId) ?? { clock: initialTimerClock, version: 0, boundary: null };
    for (const { event, seq } of events) {
      if (seq <= entry.version) continue;
      entry.clock = evolveTimer(entry.clock, event);
      entry.version = seq;
    }
    this.timers.set(sessionId, entry);
    if (this.live) this.schedule(sessionId, entry);
  }

  /** Lets go of a class's timer (the class was let go of). */
  forget(sessionId: string): void {
    this.timers.get(sessionId)?.boundary?.();
    this.timers.delete(sessionId);
  }

  /** The log is replayed: from now on frames go out and boundaries are scheduled. */
  goLive(): void {
    this.live = true;
    for (const [sessionId, entry] of this.timers) this.schedule(sessionId, entry);
  }

  /** The class's timer now, or null when it has none (no event yet). */
  state(sessionId: string): TimerState | null {
    const entry = this.timers.get(sessionId);
    return entry === undefined ? null : this.stateOf(sessionId, entry, this.now());
  }

  /** A frame for every running or paused timer: a screen that missed one catches up. */
  resync(): void {
    if (!this.live) return;
    const now = this.now();
    for (const [sessionId, entry] of this.timers) {
      if (entry.clock.status === 'running' || entry.clock.status === 'paused') {
        this.options.send(this.stateOf(sessionId, entry, now));
      }
    }
  }

  stop(): void {
    this.live = false;
    for (const entry of this.timers.values()) {
      entry.boundary?.();
      entry.boundary = null;
    }
  }

  private stateOf(sessionId: string, entry: Entry, at: number): TimerState {
    return timerStateOfClock(entry.clock, at, { sessionId, version: entry.version });
  }

  private schedule(sessionId: string, entry: Entry): void {
    entry.boundary?.();
    entry.boundary = null;
    const now = this.now();
    const boundary = nextBoundaryAfter(entry.clock, now);
    if (boundary === null) return;
    entry.boundary = this.later(
      () => {
        entry.boundary = null;
        if (this.timers.get(sessionId) !== entry || !this.live) return;
        // The frame of the boundary itself: a timer that fires late still says what began then.
        this.options.send(this.stateOf(sessionId, entry, Math.max(boundary, this.now())));
        this.schedule(sessionId, entry);
      },
      Math.max(0, boundary - now),
    );
  }
}
