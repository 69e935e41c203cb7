// The owner of timer commands over NATS: realtime forwards a coach's
// `timer:command` on cmd.timer.<sessionId>; one API instance (queue group
// api-timer) answers, as a Nest message handler on the NATS transport (libs/platform's
// requests.ts). It checks the actor as the REST route does (`authorize`), runs the same decider
// through TimerCommands, and replies with the timer's state or an error whose
// code matches the REST problem (rule:<code>, conflict, forbidden, not-found, bad-request,
// unauthorized: the actor's token was revoked or expired since its socket connected).
import { Controller, ForbiddenException, HttpException, Inject, NotFoundException } from '@nestjs/common';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import crypto from 'node:crypto';
import {
  commandSubjects,
  forwardedTimerCommand,
  type ForwardedTimerCommand,
  type TimerCommandReply,
} from '#contracts';
import type { Logger } from '#config';
import type { Db } from '#db';
import { RuleError } from '#domain';
import { ParsedBy, isTokenActive } from '#platform';
import { authorize } from '../auth/principal.js';
import { BadInputError, PreconditionFailedError } from '../http/errors.js';
import { DB, LOGGER } from '../injection.js';
import { TimerCommands } from './timer-commands.js';

export const TIMER_QUEUE = 'api-timer';

@Controller()
export class TimerResponder {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(TimerCommands) private readonly commands: TimerCommands,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Never throws: every failure is an error reply. */
  @MessagePattern(commandSubjects.allTimer, { queue: TIMER_QUEUE })
  async answer(
    @Payload(new ParsedBy(forwardedTimerCommand, 'bad-request')) { command, actor }: ForwardedTimerCommand,
    @Ctx() context: NatsContext,
  ): Promise<TimerCommandReply> {
    const subject = context.getSubject();
    const correlationId = crypto.randomUUID();
    try {
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
