// Runs a command against a class through handleCommand (libs/eventstore:
// read, decide, append with the version read), then waits for the read model
// to show the result so the caller can read its own write. The index of open
// classes is written in the same step: before the append that schedules a
// class, after the ones that start and end it (ClassIndex.append).
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { eventSubjects, isSessionEvent } from '#contracts';
import { sessionDecider, type SessionCommand } from '#domain';
import { ClassIndex, EventStore, handleCommand, type VersionRefusal } from '#eventstore';
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
    const handled = await handleCommand(
      this.store,
      eventSubjects.session(sessionId),
      sessionDecider,
      command,
      {
        ...context,
        accepts: isSessionEvent,
        maxAttempts: MAX_ATTEMPTS,
        refuse: (state) => {
          if (state.status === 'initial' && command.type !== 'schedule')
            throw new NotFoundException('session not found');
        },
        append: async (state, events, expected) =>
          (await this.classIndex.append(state, events, expected)).result,
      },
    );
    if (!handled.ok) throw preconditionFailed(handled, 'class');
    await this.projector.sessionsCaughtUp(handled.version);
    return handled.version;
  }
}

/** The 412 of a command refused for its version; `aggregate` names what changed (the class, its timer). */
export function preconditionFailed(
  refused: VersionRefusal,
  aggregate: 'class' | 'timer',
): PreconditionFailedError {
  return refused.reason === 'stale'
    ? new PreconditionFailedError(`the ${aggregate} is at version ${refused.version}, not ${refused.ifMatch}`)
    : new PreconditionFailedError(`the ${aggregate} changed while this command ran; read it again`);
}
