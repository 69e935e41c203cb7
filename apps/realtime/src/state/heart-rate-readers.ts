// The heart rate of the classes in memory: a live class's followed from the
// start of the class (so running totals after a restart equal those before
// it), an ended class's read once when a screen first asks for it (so its
// snapshot shows the final values and totals, as long as the HR stream keeps
// them). A class let go of has its reader stopped.
import { eventSubjects, isHeartRateEvent, streams } from '#contracts';
import type { Logger } from '#config';
import type { EventStore, StoredEvent, Tail } from '#eventstore';
import type { LiveSessionState } from './live-session.js';

/** Late samples of a class's last seconds still arrive for a while after its end. */
export const FOLLOW_AFTER_END_MS = 30_000;

/** A heart-rate reader's handler: the class takes in each heart-rate event of its subjects. */
const heartRateInto =
  (session: LiveSessionState) =>
  ({ event }: StoredEvent): void => {
    if (isHeartRateEvent(event)) session.applyHeartRate(event);
  };

export class HeartRateReaders {
  private readonly tails = new Map<string, Promise<Tail>>();
  /** Tails of ended classes, stopped `FOLLOW_AFTER_END_MS` after the end. */
  private readonly ending = new Map<string, { tail: Promise<Tail>; timer: NodeJS.Timeout }>();
  /** Classes whose heart rate is read (followed live, or read once after their end). */
  private readonly read = new Map<string, Promise<void>>();

  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
  ) {}

  /** Follows a live class's heart rate from the start of its subject. */
  follow(session: LiveSessionState): void {
    const sessionId = session.session.sessionId;
    if (this.tails.has(sessionId)) return;
    this.read.set(sessionId, Promise.resolve());
    const tail = this.open(session);
    tail.catch((error: unknown) => this.logger.error('cannot follow heart rate', { sessionId, error }));
    this.tails.set(sessionId, tail);
  }

  /** Resolves when every followed class has read what its subject held when it began. */
  async caughtUp(): Promise<void> {
    await Promise.all([...this.tails.values()].map(async (tail) => (await tail).caughtUp));
  }

  /** The class ended: its tail stops a little later (late samples of its last seconds). */
  unfollow(sessionId: string): void {
    const tail = this.tails.get(sessionId);
    if (!tail) return;
    this.tails.delete(sessionId);
    const timer = setTimeout(() => this.stopEnding(sessionId), FOLLOW_AFTER_END_MS);
    timer.unref();
    this.ending.set(sessionId, { tail, timer });
  }

  /**
   * Reads an ended class's heart rate once, unless it was followed: a class
   * that ended before it came into memory has not had its heart rate read.
   */
  async readOnce(session: LiveSessionState): Promise<void> {
    const sessionId = session.session.sessionId;
    if (session.session.status !== 'ended' || this.tails.has(sessionId)) return;
    let read = this.read.get(sessionId);
    if (!read) {
      read = (async () => {
        const tail = await this.open(session);
        await tail.caughtUp;
        await tail.stop();
      })();
      this.read.set(sessionId, read);
      read.catch((error: unknown) => {
        if (this.read.get(sessionId) === read) this.read.delete(sessionId);
        this.logger.error('cannot read heart rate of an ended class', { sessionId, error });
      });
    }
    await read.catch(() => undefined);
  }

  /** The class was let go of: its reader stops now. */
  forget(sessionId: string): void {
    this.read.delete(sessionId);
    const tail = this.tails.get(sessionId);
    this.tails.delete(sessionId);
    if (tail) void stopTail(tail);
    this.stopEnding(sessionId);
  }

  async stop(): Promise<void> {
    for (const sessionId of [...this.ending.keys()]) this.stopEnding(sessionId);
    const tails = [...this.tails.values()];
    this.tails.clear();
    await Promise.all(tails.map(stopTail));
  }

  private open(session: LiveSessionState): Promise<Tail> {
    const subject = eventSubjects.sessionHeartRate(session.session.sessionId);
    return this.store.tail(streams.heartRate.name, subject, 'all', heartRateInto(session));
  }

  private stopEnding(sessionId: string): void {
    const ending = this.ending.get(sessionId);
    if (!ending) return;
    this.ending.delete(sessionId);
    clearTimeout(ending.timer);
    void stopTail(ending.tail);
  }
}

/** Stops a tail that may have failed to open (its failure was logged where it was opened). */
async function stopTail(tail: Promise<Tail>): Promise<void> {
  await tail.then((running) => running.stop()).catch(() => undefined);
}
