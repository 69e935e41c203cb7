// Runs a command against a class: read its events, decide, append with the
// version read (optimistic concurrency), then wait for the read model to show
// the result so the caller can read its own write. The index of open classes
// is written in the same step: before the append that schedules a class, after
// the ones that start and end it (libs/contracts/src/class-index.ts).
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import crypto from 'node:crypto';
import { eventSubjects, isSessionEvent, streams, type SessionEvent } from '#contracts';
import {
  decide,
  evolve,
  foldSession,
  type SessionCommand,
  type SessionEventBody,
  type KnownSession,
  type SessionState,
} from '#domain';
import type { Logger } from '#config';
import { ClassIndex, EventStore } from '#eventstore';
import { PreconditionFailedError } from '../http/errors.js';
import { Projector } from '../projections/projector.js';
import { LOGGER } from '../tokens.js';

export interface CommandContext {
  /** The `If-Match` version the caller last saw, when it gave one. */
  ifMatch?: number;
  correlationId: string;
}

const MAX_ATTEMPTS = 5;

@Injectable()
export class SessionCommands {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Projector) private readonly projector: Projector,
    @Inject(ClassIndex) private readonly classIndex: ClassIndex,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async load(sessionId: string): Promise<{ state: SessionState; version: number }> {
    const { events, version } = await this.store.readAggregate(
      streams.events.name,
      eventSubjects.session(sessionId),
    );
    const state = foldSession(events.map((stored) => stored.event).filter(isSessionEvent));
    return { state, version };
  }

  /** The last command queued on each class in this process. */
  private readonly queues = new Map<string, Promise<unknown>>();

  /**
   * Returns the class's new version. Commands on one class run one at a time in
   * this process, so they never conflict with each other (a coach's burst of
   * roster changes is not a storm of retries); a concurrent write from elsewhere
   * (another API instance, ingest raising a max HR) is retried on fresh state
   * when the caller gave no If-Match.
   */
  execute(sessionId: string, command: SessionCommand, context: CommandContext): Promise<number> {
    const previous = this.queues.get(sessionId) ?? Promise.resolve();
    const run = previous.then(
      () => this.attempt(sessionId, command, context),
      () => this.attempt(sessionId, command, context),
    );
    this.queues.set(sessionId, run);
    const forget = () => {
      if (this.queues.get(sessionId) === run) this.queues.delete(sessionId);
    };
    run.then(forget, forget);
    return run;
  }

  private async attempt(
    sessionId: string,
    command: SessionCommand,
    context: CommandContext,
  ): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(sessionId);
      if (context.ifMatch !== undefined && context.ifMatch !== version) {
        throw new PreconditionFailedError(`the class is at version ${version}, not ${context.ifMatch}`);
      }
      if (state.status === 'initial' && command.type !== 'schedule')
        throw new NotFoundException('session not found');
      const events = decide(command, state, Date.now()).map((body) => envelope(body, context.correlationId));
      const next = events.reduce(evolve, state);
      if (state.status === 'initial' && next.status !== 'initial') await this.classIndex.record(next);
      const result = await this.store.append(eventSubjects.session(sessionId), events, {
        expected: version === 0 ? 'none' : version,
      });
      if (result.ok) {
        if (state.status !== 'initial' && next.status !== 'initial' && next.status !== state.status)
          await this.recordMoved(next);
        await this.projector.sessionsCaughtUp(result.version);
        return result.version;
      }
      if (context.ifMatch !== undefined || attempt >= MAX_ATTEMPTS) {
        throw new PreconditionFailedError('the class changed while this command ran; read it again');
      }
    }
  }

  /**
   * The class started or ended: the index follows. The event is stored whatever
   * happens here; an index left behind is corrected by the sweep, and until then
   * says the class is less far on than it is, which makes a reader load it, never miss it.
   */
  private async recordMoved(next: KnownSession): Promise<void> {
    await this.classIndex.record(next).catch((error: unknown) => {
      this.logger.warn('class index not updated; the sweep will', { sessionId: next.sessionId, error });
    });
  }
}

function envelope(body: SessionEventBody, correlationId: string): SessionEvent {
  const now = Date.now();
  const meta = {
    id: crypto.randomUUID(),
    occurredAt: now,
    recordedAt: now,
    correlationId,
    causationId: null,
  };
  return { ...meta, ...body };
}
