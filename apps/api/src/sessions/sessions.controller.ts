import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import crypto from 'node:crypto';
import type { ParticipantAdded, SessionView } from '#contracts';
import type { Db } from '#db';
import type { Principal } from '#platform';
import { Caller } from '../auth/auth.guard.js';
import { authorize } from '../auth/principal.js';
import { parseIfMatch } from '../http/errors.js';
import { Route, parseBody, parseParam } from '../http/route.js';
import { newId } from '../ids.js';
import { DB } from '../tokens.js';
import { requireStudio } from '../studios/views.js';
import { TimerCommands } from '../timer/timer-commands.js';
import { programOf } from '../timer/timer.controller.js';
import { defaultDevice, participantProfile } from './participant-profile.js';
import { SessionCommands } from './session-commands.js';
import { sessionInScope } from './session-scope.js';
import { toSessionView } from './session-views.js';
import { sessionRoutes as routes } from './sessions.routes.js';

@Controller('api/v1')
export class SessionsController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(SessionCommands) private readonly commands: SessionCommands,
    @Inject(TimerCommands) private readonly timer: TimerCommands,
  ) {}

  @Post('studios/:studioId/sessions')
  @HttpCode(201)
  @Route(routes.schedule)
  async schedule(
    @Caller() caller: Principal,
    @Param('studioId') studioId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionView> {
    const studio = parseParam(routes.schedule, 'studioId', studioId);
    authorize(caller, studio, 'write', 'studio');
    const input = parseBody(routes.schedule, body);
    // Checked before anything is written: a bad program schedules no class.
    const program = input.timer === undefined ? null : programOf(input.timer, 'timer');
    await requireStudio(this.db, studio);
    const sessionId = newId('s');
    const startsAt = input.startsAt === undefined ? null : Date.parse(input.startsAt);
    const correlationId = crypto.randomUUID();
    await this.commands.execute(
      sessionId,
      { type: 'schedule', data: { sessionId, studioId: studio, title: input.title, startsAt } },
      { correlationId },
    );
    if (program !== null)
      await this.timer.execute(sessionId, { type: 'setProgram', program }, { correlationId });
    return this.view(sessionId, caller, response);
  }

  @Get('sessions/:sessionId')
  @Route(routes.get)
  async get(
    @Caller() caller: Principal,
    @Param('sessionId') sessionId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionView> {
    return this.view(parseParam(routes.get, 'sessionId', sessionId), caller, response);
  }

  @Post('sessions/:sessionId/participants')
  @HttpCode(201)
  @Route(routes.addParticipant)
  async addParticipant(
    @Caller() caller: Principal,
    @Param('sessionId') sessionId: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ParticipantAdded> {
    const session = await sessionInScope(this.db, caller, sessionId, 'write');
    const input = parseBody(routes.addParticipant, body);
    const member = await this.db.member.findFirst({
      where: { id: input.memberId, studioId: session.studioId },
      include: { devices: { orderBy: { pairedAt: 'desc' } } },
    });
    if (member === null) throw new NotFoundException('member not found');
    const studio = await this.db.studio.findUniqueOrThrow({ where: { id: session.studioId } });
    const participantId = newId('p');
    const data = participantProfile(
      participantId,
      member,
      studio,
      defaultDevice(input.deviceId, member.devices),
      Date.now(),
    );
    await this.commands.execute(session.id, { type: 'addParticipant', data }, this.context(ifMatch));
    const view = await this.view(session.id, caller, response);
    return { participantId, session: view };
  }

  @Delete('sessions/:sessionId/participants/:participantId')
  @HttpCode(204)
  @Route(routes.removeParticipant)
  async removeParticipant(
    @Caller() caller: Principal,
    @Param('sessionId') sessionId: string,
    @Param('participantId') participantId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    const session = await sessionInScope(this.db, caller, sessionId, 'write');
    const participant = parseParam(routes.removeParticipant, 'participantId', participantId);
    await this.commands.execute(
      session.id,
      { type: 'removeParticipant', data: { participantId: participant } },
      this.context(ifMatch),
    );
  }

  @Post('sessions/:sessionId/start')
  @HttpCode(200)
  @Route(routes.start)
  async start(
    @Caller() caller: Principal,
    @Param('sessionId') sessionId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionView> {
    return this.transition('start', caller, sessionId, ifMatch, response);
  }

  @Post('sessions/:sessionId/end')
  @HttpCode(200)
  @Route(routes.end)
  async end(
    @Caller() caller: Principal,
    @Param('sessionId') sessionId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionView> {
    return this.transition('end', caller, sessionId, ifMatch, response);
  }

  private async transition(
    type: 'start' | 'end',
    caller: Principal,
    sessionId: string,
    ifMatch: string | undefined,
    response: Response,
  ): Promise<SessionView> {
    const session = await sessionInScope(this.db, caller, sessionId, 'write');
    await this.commands.execute(session.id, { type, data: {} }, this.context(ifMatch));
    return this.view(session.id, caller, response);
  }

  private context(ifMatch: string | undefined) {
    return { ifMatch: parseIfMatch(ifMatch), correlationId: crypto.randomUUID() };
  }

  private async view(sessionId: string, caller: Principal, response: Response): Promise<SessionView> {
    const row = await this.db.session.findUnique({
      where: { id: sessionId },
      include: { participants: { orderBy: { joinedAt: 'asc' } } },
    });
    if (row === null) throw new NotFoundException('session not found');
    authorize(caller, row.studioId, 'read', 'session');
    const view = toSessionView(row);
    response.setHeader('ETag', `"${view.version}"`);
    return view;
  }
}
