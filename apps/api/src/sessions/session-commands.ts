// Runs a command against a class: read its events, decide, append with the
// version read (optimistic concurrency), then wait for the read model to show
// the result so the caller can read its own write. The index of open classes
// is written in the same step: before the append that schedules a class, after
// the ones that start and end it (libs/contracts/src/class-index.ts).
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import crypto from 'node:crypto';
import { eventSubjects, isSessionEvent, streams, type SessionEvent } from '#contracts';
import { decide, foldSession, type SessionCommand, type SessionEventBody, type SessionState } from '#domain';
import { ClassIndex, EventStore } from '#eventstore';
import { PreconditionFailedError } from '../http/errors.js';
import { Projector } from '../projections/projector.js';

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
      const { result } = await this.classIndex.append(state, events, version === 0 ? 'none' : version);
      if (result.ok) {
        await this.projector.sessionsCaughtUp(result.version);
        return result.version;
      }
      if (context.ifMatch !== undefined || attempt >= MAX_ATTEMPTS) {
        throw new PreconditionFailedError('the class changed while this command ran; read it again');
      }
    }
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
