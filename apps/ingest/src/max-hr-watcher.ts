// Adaptive max HR, the I/O around the fold (max-hr-fold.ts): for each live
// class, a reader of its heart-rate subjects from the start of the class;
// every `intervalMs`, the events of the gateway messages that are stored
// (the ingest consumer's ack floor) are folded, and each raise is decided
// against the class (the session decider's `raiseMaxHr`) and appended with
// the version read. Every ingest instance folds the same raises from the same
// log: one appends, the others' append conflicts and, on fresh state, decides
// nothing (the raise is in the log); the raise keeps the fold's deterministic
// id, so JetStream also keeps one copy when two appends pass at once.
import { eventSubjects, isHeartRateEvent, isSessionEvent, streams, type MaxHrRaised } from '#contracts';
import type { Logger } from '#config';
import { RuleError, sessionDecider } from '#domain';
import { handleCommand, type EventStore, type Tail } from '#eventstore';
import { classMaxHr, foldMaxHr, hasFoldable, receiveHeartRate, type ClassMaxHr } from './max-hr-fold.js';
import type { SessionDirectory } from './session-directory.js';

/** How long an ended class is watched by default (ingest keeps ended classes at least this long). */
export const WATCH_AFTER_END_MS = 60_000;

export interface MaxHrWatcherOptions {
  /** The ingest consumer whose ack floor says which gateway messages are stored. */
  consumer: string;
  intervalMs?: number;
  /** How long an ended class is still watched, for samples a gateway buffered. */
  afterEndMs?: number;
  /** `INGEST_MAX_FUTURE_MS`: a sample further ahead of its recording is not folded. */
  maxFutureMs?: number;
}

interface Watched {
  state: ClassMaxHr;
  /** The class's heart-rate reader (set right after the watch is made: its handler needs the watch). */
  tail: Promise<Tail> | null;
  /** HR stream sequence of the last event read. */
  read: number;
  /** Raises decided and not yet in the log (an append failed: tried again next round). */
  unlogged: MaxHrRaised[];
  /** Wall time after which the watch stops (an ended class), else null. */
  stopsAt: number | null;
}

export class MaxHrWatcher {
  private readonly classes = new Map<string, Watched>();
  /** Classes whose reader could not start (NATS away): followed again next round, with their stop time. */
  private readonly unread = new Map<string, number | null>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: () => void = () => undefined;
  private readonly intervalMs: number;
  private readonly afterEndMs: number;

  constructor(
    private readonly store: EventStore,
    private readonly directory: SessionDirectory,
    private readonly logger: Logger,
    private readonly options: MaxHrWatcherOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.afterEndMs = options.afterEndMs ?? WATCH_AFTER_END_MS;
  }

  /**
   * Call once the ingestor's classes are read: watches the classes live now,
   * or ended within `afterEndMs` (ingest holds those, and no older ones), then follows.
   */
  start(): void {
    const now = Date.now();
    for (const { sessionId, endedAt } of this.directory.startedClasses()) {
      if (endedAt === null) this.follow(sessionId, null);
      else if (endedAt + this.afterEndMs > now) this.follow(sessionId, endedAt + this.afterEndMs);
    }
    this.directory.onClassStatus((sessionId, change) => {
      if (change === 'started') this.follow(sessionId, null);
      else this.follow(sessionId, Date.now() + this.afterEndMs);
    });
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    for (const watched of this.classes.values()) await stopReading(watched);
    this.classes.clear();
  }

  /** Starts reading a class's heart rate (once), or sets when its watch stops. */
  private follow(sessionId: string, stopsAt: number | null): void {
    const known = this.classes.get(sessionId);
    if (known) {
      known.stopsAt = stopsAt;
      return;
    }
    const watched: Watched = {
      state: classMaxHr(sessionId),
      tail: null,
      read: 0,
      unlogged: [],
      stopsAt,
    };
    watched.tail = this.store.tail(
      streams.heartRate.name,
      eventSubjects.sessionHeartRate(sessionId),
      'all',
      ({ seq, event }) => {
        watched.read = Math.max(watched.read, seq);
        if (isHeartRateEvent(event)) watched.state = receiveHeartRate(watched.state, event);
      },
      (subject, seq, reason) => this.logger.error('invalid heart-rate event', { subject, seq, reason }),
    );
    watched.tail.catch((error: unknown) => {
      this.logger.error('heart-rate reader failed; the class is read again', { sessionId, error });
      // Folded again from the class start in a later round; raises already logged are not appended again.
      if (this.classes.get(sessionId) === watched) this.classes.delete(sessionId);
      this.unread.set(sessionId, watched.stopsAt);
    });
    this.classes.set(sessionId, watched);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.round();
      } catch (error) {
        this.logger.warn('max HR watch failed', { error });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.intervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async round(): Promise<void> {
    for (const [sessionId, stopsAt] of this.unread) {
      this.unread.delete(sessionId);
      this.follow(sessionId, stopsAt);
    }
    const busy = [...this.classes.values()].some(
      (watched) => watched.unlogged.length > 0 || watched.state.pending.length > 0,
    );
    const ackFloor = busy ? await this.ackFloor() : 0;
    const now = Date.now();
    for (const [sessionId, watched] of this.classes) {
      // NATS away or the like: the next round goes on from where this class's fold is.
      await this.advance(watched, ackFloor).catch((error: unknown) =>
        this.logger.warn('max HR watch failed', { sessionId, error }),
      );
      if (watched.stopsAt !== null && watched.stopsAt <= now) {
        this.classes.delete(sessionId);
        await stopReading(watched);
      }
    }
  }

  private async advance(watched: Watched, ackFloor: number): Promise<void> {
    const { sessionId } = watched.state;
    if (hasFoldable(watched.state, ackFloor)) {
      // Every message up to the floor is stored: once we have read all the class's HR, we hold them all.
      const last = await this.store.lastSequenceOf(
        streams.heartRate.name,
        eventSubjects.sessionHeartRate(sessionId),
      );
      if (!(await until(() => watched.read >= last))) return;
      // The joins the samples need, and the raises already logged (another instance's, or ours before a restart).
      if (!(await this.caughtUpWithClass(sessionId))) return;
      const { state, raises } = foldMaxHr(
        watched.state,
        ackFloor,
        (participantId) => this.directory.joinedMaxHr(sessionId, participantId),
        Date.now(),
        this.options.maxFutureMs,
      );
      watched.state = state;
      watched.unlogged.push(...raises);
    }
    while (watched.unlogged[0] !== undefined) {
      const raise = watched.unlogged[0];
      const { participantId, previousMaxHr } = raise.data;
      // The directory has read the raise already (a restarted instance re-folding): no need to read the class.
      if (!this.directory.hasRaise(sessionId, participantId, previousMaxHr) && !(await this.decide(raise))) {
        return;
      }
      watched.unlogged.shift();
    }
  }

  /** Decides and appends one raise; false when it is to be tried again next round (writers kept conflicting). */
  private async decide(raise: MaxHrRaised): Promise<boolean> {
    const { sessionId, participantId, previousMaxHr, maxHr, zoneThresholds, at } = raise.data;
    const { id, occurredAt, causationId, correlationId } = raise;
    try {
      const handled = await handleCommand(
        this.store,
        eventSubjects.session(sessionId),
        sessionDecider,
        { type: 'raiseMaxHr', data: { participantId, previousMaxHr, maxHr, zoneThresholds, at } },
        { correlationId, accepts: isSessionEvent, envelope: () => ({ id, occurredAt, causationId }) },
      );
      if (!handled.ok) return false;
      if (handled.events.length > 0) {
        this.logger.info('max HR raised', { sessionId, participantId, previousMaxHr, maxHr });
      }
      return true;
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      // Never so for a class ingest watches (it went live): nothing to raise, and no use trying again.
      this.logger.warn('max HR raise refused', { sessionId, participantId, code: error.code });
      return true;
    }
  }

  /** Sequence up to which every gateway message is handled: its heart-rate events are stored. */
  private async ackFloor(): Promise<number> {
    const info = await this.store.jsm.consumers.info(streams.ingress.name, this.options.consumer);
    return info.ack_floor.stream_seq;
  }

  /** Whether the directory has read (or, within 2 s, reads) every event of the class in the log. */
  private async caughtUpWithClass(sessionId: string): Promise<boolean> {
    const last = await this.store.lastSequenceOf(streams.events.name, eventSubjects.session(sessionId));
    return until(() => this.directory.versionOf(sessionId) >= last);
  }
}

/** Waits up to 2 s for a reader to get somewhere; false if it has not. */
async function until(reached: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 2000;
  while (!reached() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return reached();
}

/** Stops a class's reader; one that never started has nothing to stop. */
async function stopReading(watched: Watched): Promise<void> {
  const tail = await watched.tail?.catch(() => null);
  await tail?.stop();
}
