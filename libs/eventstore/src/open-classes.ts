// The classes a service holds: at start, those the index says are open (and,
// when asked, those ended within `keepEndedMs`), each read from its own
// subject; then every session event from the position the index was read at.
// Each class is folded by the domain's `evolve`, once; services derive their
// views from the state through the listener. An ended class is let go of
// `keepEndedMs` after its end, or after its last use when it was loaded on
// demand (a screen of last month's class), unless it is held.
import {
  classIndexBucket,
  eventSubjects,
  isSessionEvent,
  streams,
  type ClassIndexEntry,
  type SessionEvent,
} from '#contracts';
import { evolve, foldSession, type KnownSession, type SessionState } from '#domain';
import type { Logger } from '#config';
import { ClassIndex, classIndexEntryOf, withinHorizon } from './class-index.js';
import type { StoredEvent } from './codec.js';
import type { EventStore, Tail } from './event-store.js';
import type { LogReader } from './following.js';

export interface OpenClassesOptions {
  /** How long an ended class stays in memory after its end or its last use (0: let go at once). */
  keepEndedMs: number;
  /** How long a class ended before this start is still loaded at start (default: not at all). */
  loadEndedWithinMs?: number;
  /** How long the entries of ended classes are remembered (`recentlyEnded`); the index's horizon by default. */
  recentHorizonMs?: number;
  /** How often ended classes are let go of. */
  sweepEveryMs?: number;
  /** The index's bucket (tests use one of their own). */
  indexBucket?: string;
}

export interface HeldClass {
  state: KnownSession;
  /** EVENTS sequence of the class's last event applied: its version. */
  version: number;
}

export interface ClassChange {
  sessionId: string;
  state: KnownSession;
  /** The state before the event; `initial` when the event scheduled the class. */
  previous: SessionState;
  event: SessionEvent;
  seq: number;
}

export interface OpenClassesListener {
  /** A class came into memory from its own subject (at start, or on demand). */
  loaded?(sessionId: string, held: HeldClass): void;
  /** An event read from the log changed a class in memory (its scheduling included). */
  applied?(change: ClassChange): void;
  /** A class was let go of. */
  forgotten?(sessionId: string): void;
  /** Any other event of the class subjects (a timer's, on `evt.session.<id>.timer`). */
  other?(stored: StoredEvent): void;
}

const LOAD_CONCURRENCY = 8;

export class OpenClasses {
  private readonly classes = new Map<string, HeldClass>();
  /** Index entries of classes scheduled, live or ended within the horizon, kept current from the log. */
  private readonly recent = new Map<string, ClassIndexEntry>();
  /** Classes being read from their subject, with the events the tail brought meanwhile. */
  private readonly loading = new Map<string, { done: Promise<HeldClass | null>; buffered: StoredEvent[] }>();
  private readonly holds = new Map<string, number>();
  private readonly lastUsed = new Map<string, number>();
  private readonly listeners: OpenClassesListener[] = [];
  private tail: Tail | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  /** EVENTS sequence up to which every session event is read. */
  position = 0;

  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly options: OpenClassesOptions,
  ) {}

  listen(listener: OpenClassesListener): void {
    this.listeners.push(listener);
  }

  /** The tail of the class subjects, for /healthz. */
  get readers(): LogReader[] {
    return this.tail === null ? [] : [this.tail];
  }

  /** Resolves once every open class is read and the tail has caught up. */
  async start(): Promise<void> {
    const index = await ClassIndex.open(this.store, this.options.indexBucket);
    await index.ensureBuilt();
    // The position first, then the index: a class scheduled before it has its entry by then.
    const from = await this.store.lastSequence(streams.events.name);
    const now = Date.now();
    const entries = await index.entries();
    for (const entry of entries) {
      if (withinHorizon(entry, now, this.recentHorizonMs)) this.recent.set(entry.sessionId, entry);
    }
    const loadEnded = this.options.loadEndedWithinMs ?? -1;
    const toLoad = entries.filter(
      (entry) => entry.status !== 'ended' || withinHorizon(entry, now, loadEnded),
    );
    for (let next = 0; next < toLoad.length; next += LOAD_CONCURRENCY) {
      await Promise.all(
        toLoad.slice(next, next + LOAD_CONCURRENCY).map((entry) => this.load(entry.sessionId)),
      );
    }
    this.position = Math.max(this.position, from);
    this.tail = await this.store.tail(
      streams.events.name,
      eventSubjects.allSessions,
      { afterSeq: from },
      (stored) => this.onEvent(stored),
      (subject, seq, reason) => this.logger.error('invalid session event', { subject, seq, reason }),
    );
    await this.tail.caughtUp;
    const sweepEvery = this.options.sweepEveryMs ?? 30_000;
    this.sweeper = setInterval(() => this.sweep(), sweepEvery);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.tail?.stop();
  }

  get(sessionId: string): HeldClass | undefined {
    return this.classes.get(sessionId);
  }

  /** Every class in memory. */
  all(): IterableIterator<[string, HeldClass]> {
    return this.classes.entries();
  }

  get size(): number {
    return this.classes.size;
  }

  /** Classes ended within the horizon that this studio was running at `ts`, and that are not in memory. */
  recentlyEnded(studioId: string, ts: number): string[] {
    const found: string[] = [];
    for (const entry of this.recent.values()) {
      if (entry.studioId !== studioId || entry.status !== 'ended' || this.classes.has(entry.sessionId))
        continue;
      if (entry.startedAt !== null && entry.endedAt !== null && entry.startedAt <= ts && ts <= entry.endedAt)
        found.push(entry.sessionId);
    }
    return found;
  }

  /**
   * The class, from memory or from its own subject (an ended class a screen
   * asks for), waiting briefly for the tail when the log holds events of it
   * that were not read yet. Null when the log has no such class.
   */
  async find(sessionId: string): Promise<HeldClass | null> {
    const known = this.classes.get(sessionId);
    if (known) return this.used(sessionId, known);
    const last = await this.store.lastSequenceOf(streams.events.name, eventSubjects.session(sessionId));
    if (last === 0) return null;
    await this.caughtUpWith(last, 2000);
    const read = this.classes.get(sessionId) ?? (await this.load(sessionId));
    return read === null ? null : this.used(sessionId, read);
  }

  /** Waits (up to `timeoutMs`) until the tail has read the log up to `seq`. */
  async caughtUpWith(seq: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.position < seq && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    return this.position >= seq;
  }

  /** Keeps a class in memory while something (a screen) uses it. */
  hold(sessionId: string): void {
    this.holds.set(sessionId, (this.holds.get(sessionId) ?? 0) + 1);
  }

  release(sessionId: string): void {
    const holds = (this.holds.get(sessionId) ?? 0) - 1;
    if (holds > 0) this.holds.set(sessionId, holds);
    else this.holds.delete(sessionId);
    // A class not in memory (let go of before the hold) leaves nothing behind.
    if (this.classes.has(sessionId)) this.lastUsed.set(sessionId, Date.now());
  }

  /** Counts as a use: an ended class is kept `keepEndedMs` from now. */
  touch(sessionId: string): void {
    if (this.classes.has(sessionId)) this.lastUsed.set(sessionId, Date.now());
  }

  /** Reads a class from its own subject into memory; null when the log has none. */
  load(sessionId: string): Promise<HeldClass | null> {
    const held = this.classes.get(sessionId);
    if (held) return Promise.resolve(held);
    const pending = this.loading.get(sessionId);
    if (pending) return pending.done;
    const entry = { done: Promise.resolve<HeldClass | null>(null), buffered: [] as StoredEvent[] };
    entry.done = this.read(sessionId, entry.buffered).finally(() => {
      if (this.loading.get(sessionId) === entry) this.loading.delete(sessionId);
    });
    this.loading.set(sessionId, entry);
    return entry.done;
  }

  private async read(sessionId: string, buffered: StoredEvent[]): Promise<HeldClass | null> {
    const { events, version } = await this.store.readAggregate(
      streams.events.name,
      eventSubjects.session(sessionId),
    );
    const state = foldSession(events.map((stored) => stored.event).filter(isSessionEvent));
    // From here on the tail applies the class's events itself.
    this.loading.delete(sessionId);
    if (state.status !== 'initial') {
      const held: HeldClass = { state, version };
      this.classes.set(sessionId, held);
      this.lastUsed.set(sessionId, Date.now());
      this.remember(state);
      for (const listener of this.listeners) listener.loaded?.(sessionId, held);
    }
    // What the tail read while the subject was being read, past what the read saw.
    for (const stored of buffered) if (stored.seq > version) this.onEvent(stored);
    return this.classes.get(sessionId) ?? null;
  }

  private onEvent(stored: StoredEvent): void {
    const { seq, event } = stored;
    this.position = Math.max(this.position, seq);
    if (!isSessionEvent(event)) {
      for (const listener of this.listeners) listener.other?.(stored);
      return;
    }
    const sessionId = event.data.sessionId;
    const pending = this.loading.get(sessionId);
    if (pending) {
      pending.buffered.push(stored);
      return;
    }
    const held = this.classes.get(sessionId);
    // A class not in memory is ended and let go of (or never was): only a scheduling brings one in.
    if (held === undefined && event.type !== 'session.scheduled') {
      this.rememberFromEvent(event);
      return;
    }
    if (held !== undefined && seq <= held.version) return;
    const previous: SessionState = held?.state ?? { status: 'initial' };
    const state = evolve(previous, event);
    if (state.status === 'initial') return;
    this.classes.set(sessionId, { state, version: seq });
    this.remember(state);
    for (const listener of this.listeners) listener.applied?.({ sessionId, state, previous, event, seq });
    if (state.status === 'ended' && this.options.keepEndedMs <= 0 && !this.holds.has(sessionId))
      this.forget(sessionId);
  }

  /** Lets go of ended classes past their time, and of remembered entries past the horizon. */
  sweep(now = Date.now()): void {
    for (const [sessionId, { state }] of this.classes) {
      if (state.status !== 'ended' || this.holds.has(sessionId)) continue;
      const since = Math.max(state.endedAt, this.lastUsed.get(sessionId) ?? 0);
      if (since + this.options.keepEndedMs <= now) this.forget(sessionId);
    }
    for (const [sessionId, entry] of this.recent) {
      if (!withinHorizon(entry, now, this.recentHorizonMs)) this.recent.delete(sessionId);
    }
  }

  private forget(sessionId: string): void {
    this.classes.delete(sessionId);
    this.lastUsed.delete(sessionId);
    for (const listener of this.listeners) listener.forgotten?.(sessionId);
  }

  private used(sessionId: string, held: HeldClass): HeldClass {
    this.lastUsed.set(sessionId, Date.now());
    return held;
  }

  private remember(state: KnownSession): void {
    this.recent.set(state.sessionId, classIndexEntryOf(state));
  }

  /** An ended class not in memory: its entry still says when it ran (for late samples). */
  private rememberFromEvent(event: SessionEvent): void {
    const entry = this.recent.get(event.data.sessionId);
    if (entry === undefined) return;
    if (event.type === 'session.started')
      this.recent.set(entry.sessionId, { ...entry, status: 'live', startedAt: event.data.startedAt });
    if (event.type === 'session.ended')
      this.recent.set(entry.sessionId, { ...entry, status: 'ended', endedAt: event.data.endedAt });
  }

  private get recentHorizonMs(): number {
    return this.options.recentHorizonMs ?? classIndexBucket.endedHorizonMs;
  }
}
