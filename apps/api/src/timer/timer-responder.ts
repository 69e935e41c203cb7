// The owner of timer commands over NATS: realtime forwards a coach's
// `timer:command` on cmd.timer.<sessionId>; one API instance (queue group
// api-timer) checks the actor as the REST route does (`authorize`), runs the same decider
// through TimerCommands, and replies with the timer's state or an error whose
// code matches the REST problem (rule:<code>, conflict, forbidden, not-found,
// unauthorized: the actor's token was revoked or expired since its socket connected).
import {
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import { commandSubjects, forwardedTimerCommand, parseWith, type CommandReply } from '#contracts';
import type { Logger } from '#config';
import type { Db } from '#db';
import { RuleError } from '#domain';
import { isTokenActive } from '#platform';
import { authorize } from '../auth/principal.js';
import { BadInputError, PreconditionFailedError } from '../http/errors.js';
import { DB, LOGGER, NATS } from '../injection.js';
import { TimerCommands } from './timer-commands.js';

export const TIMER_QUEUE = 'api-timer';

const decoder = new TextDecoder();

@Injectable()
export class TimerResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;

  constructor(
    @Inject(NATS) private readonly nats: NatsConnection,
    @Inject(DB) private readonly db: Db,
    @Inject(TimerCommands) private readonly commands: TimerCommands,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nats.subscribe(commandSubjects.allTimer, {
      queue: TIMER_QUEUE,
      callback: (error, message) => {
        if (error !== null) this.logger.warn('timer command subscription', { error });
        else void this.respond(message);
      },
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private async respond(message: Msg): Promise<void> {
    const reply = await this.answer(message.subject, message.data);
    if (message.reply === undefined) return;
    try {
      message.respond(JSON.stringify(reply));
    } catch (error) {
      this.logger.warn('cannot reply to a timer command', { subject: message.subject, error });
    }
  }

  /** Never throws: every failure is an error reply. */
  async answer(subject: string, data: Uint8Array): Promise<CommandReply> {
    const correlationId = crypto.randomUUID();
    try {
      const parsed = parseWith(forwardedTimerCommand, parseJson(data));
      if (!parsed.ok) return refuse('bad-request', parsed.error);
      const { command, actor } = parsed.value;
      if (subject !== commandSubjects.timer(command.sessionId)) {
        return refuse('bad-request', `subject ${subject} does not name session ${command.sessionId}`);
      }
      if (actor.kind === 'studio' && !(await isTokenActive(this.db, actor.tokenId))) {
        return refuse('unauthorized', 'the token was revoked or has expired');
      }
      const session = await this.db.session.findUnique({ where: { id: command.sessionId } });
      if (session === null) return refuse('not-found', 'session not found');
      authorize(actor, session.studioId, 'write', 'session');
      const state = await this.commands.execute(
        command.sessionId,
        { type: command.action },
        { correlationId },
      );
      return { ok: true, state };
    } catch (error) {
      const reply = replyFor(error);
      if (reply.error.code === 'internal')
        this.logger.error('timer command failed', { subject, correlationId, error });
      return reply;
    }
  }
}

function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
}

const refuse = (code: string, message: string) => ({ ok: false as const, error: { code, message } });

/** The same distinctions as the REST problem types. */
export function replyFor(error: unknown): { ok: false; error: { code: string; message: string } } {
  if (error instanceof RuleError) return refuse(`rule:${error.code}`, error.message);
  if (error instanceof PreconditionFailedError) return refuse('conflict', error.message);
  if (error instanceof BadInputError) return refuse('bad-request', error.message);
  if (error instanceof NotFoundException) return refuse('not-found', error.message);
  if (error instanceof ForbiddenException) return refuse('forbidden', error.message);
  if (error instanceof HttpException) return refuse('error', error.message);
  return refuse('internal', 'internal error');
}
