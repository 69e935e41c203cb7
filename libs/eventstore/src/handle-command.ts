// The one way to run a command against an aggregate: read its events, fold
// them with the decider, decide, append with the version read (optimistic
// concurrency). A concurrent writer is retried on fresh state when the caller
// gave no If-Match; with one, the caller's version must be the aggregate's.
// A decision of no events (an idempotent command already applied) appends
// nothing and succeeds.
import crypto from 'node:crypto';
import { domainEvent, streams, type DomainEvent } from '#contracts';
import { foldWith, type Decider } from '#domain';
import type { AppendResult, EventStore, ExpectedVersion } from './event-store.js';

/** Any event of the log as a decider sees it: type and data. */
export type DomainEventBody = {
  [E in DomainEvent as E['type']]: { type: E['type']; data: E['data'] };
}[DomainEvent['type']];

/** A decided event in its envelope, ready to append. */
export type Enveloped<Event extends DomainEventBody> = Event &
  Pick<DomainEvent, 'id' | 'occurredAt' | 'recordedAt' | 'correlationId' | 'causationId'>;

export interface HandleCommandOptions<State, Event extends DomainEventBody> {
  /** The `If-Match` version the caller last saw, when it gave one. */
  ifMatch?: number;
  correlationId: string;
  /** Which of the subject's stored events are the aggregate's (the others are skipped). */
  accepts: (event: DomainEvent) => event is Enveloped<Event> & DomainEvent;
  /** Tries on fresh state after a conflict, when there is no If-Match; 3 unless said. */
  maxAttempts?: number;
  /** Called on the state read, after the If-Match check, before deciding: throws to refuse (not found, say). */
  refuse?: (state: State) => void;
  /**
   * The caller's own envelope fields for a decided event, when it has them: a
   * deterministic id (JetStream dedupes copies from several instances on it),
   * when it occurred, what caused it. A random id and now otherwise.
   */
  envelope?: (event: Event) => Partial<Pick<DomainEvent, 'id' | 'occurredAt' | 'causationId'>>;
  /** Appends the decided events; the store's append to the subject unless said (the class index writes its entry with them). */
  append?: (state: State, events: Enveloped<Event>[], expected: ExpectedVersion) => Promise<AppendResult>;
}

/** A command not decided or not appended for the aggregate's version: HTTP answers 412. */
export type VersionRefusal =
  /** The If-Match version is not the aggregate's: nothing was decided. */
  | { ok: false; reason: 'stale'; version: number; ifMatch: number }
  /** Another writer appended while the command ran (with If-Match, or once the attempts are spent). */
  | { ok: false; reason: 'conflict' };

export type HandledCommand<State, Event extends DomainEventBody> =
  { ok: true; version: number; state: State; events: Enveloped<Event>[] } | VersionRefusal;

/** Runs `command` against the aggregate at `subject`; the decider's RuleError and `refuse`'s errors are thrown. */
export async function handleCommand<State, Command, Event extends DomainEventBody>(
  store: EventStore,
  subject: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  options: HandleCommandOptions<State, Event>,
): Promise<HandledCommand<State, Event>> {
  const { ifMatch, correlationId, accepts, maxAttempts = 3 } = options;
  const append =
    options.append ??
    ((_state: State, events: Enveloped<Event>[], expected: ExpectedVersion) =>
      // Parsed as any event of the log (the store checks each again): a decider's events are a few of them.
      store.append(
        subject,
        events.map((event) => domainEvent.parse(event)),
        { expected },
      ));
  for (let attempt = 1; ; attempt++) {
    const { events: stored, version } = await store.readAggregate(streams.events.name, subject);
    const state = foldWith(decider, stored.map(({ event }) => event).filter(accepts));
    if (ifMatch !== undefined && ifMatch !== version) return { ok: false, reason: 'stale', version, ifMatch };
    options.refuse?.(state);
    const now = Date.now();
    const events = decider
      .decide(command, state, now)
      .map((body) => ({ ...envelope(body, now, correlationId), ...options.envelope?.(body) }));
    if (events.length === 0) return { ok: true, version, state, events };
    const result = await append(state, events, version === 0 ? 'none' : version);
    if (result.ok) {
      return { ok: true, version: result.version, state: events.reduce(decider.evolve, state), events };
    }
    if (ifMatch !== undefined || attempt >= maxAttempts) return { ok: false, reason: 'conflict' };
  }
}

function envelope<Event extends DomainEventBody>(
  body: Event,
  now: number,
  correlationId: string,
): Enveloped<Event> {
  return {
    id: crypto.randomUUID(),
    occurredAt: now,
    recordedAt: now,
    correlationId,
    causationId: null,
    ...body,
  };
}
