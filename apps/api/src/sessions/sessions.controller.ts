import {
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import crypto from 'node:crypto';
import type { ParticipantAdded, SessionView } from '#contracts';
import type { Db } from '#db';
import { commandContext } from '../http/errors.js';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route } from '../http/route.js';
import { newId } from '../ids.js';
import { DB } from '../injection.js';
import { requireStudio } from '../studios/views.js';
import { TimerCommands } from '../timer/timer-commands.js';
import { programOf } from '../timer/timer.controller.js';
import { defaultDevice, participantProfile } from './participant-profile.js';
import { SessionCommands } from './session-commands.js';
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
    @Input() { params, body: input }: RouteInput<typeof routes.schedule>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionView> {
    const studio = params.studioId;
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
    return this.view(sessionId, response);
  }

  @Get('sessions/:sessionId')
  @Route(routes.get)
  async get(
    @Input() { session }: RouteInput<typeof routes.get>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionView> {
    return this.view(session.id, response);
  }

  @Post('sessions/:sessionId/participants')
  @HttpCode(201)
  @Route(routes.addParticipant)
  async addParticipant(
    @Input() { session, body: input }: RouteInput<typeof routes.addParticipant>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ParticipantAdded> {
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
    await this.commands.execute(session.id, { type: 'addParticipant', data }, commandContext(ifMatch));
    const view = await this.view(session.id, response);
    return { participantId, session: view };
  }

  @Delete('sessions/:sessionId/participants/:participantId')
  @HttpCode(204)
  @Route(routes.removeParticipant)
  async removeParticipant(
    @Input() { session, params }: RouteInput<typeof routes.removeParticipant>,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.commands.execute(
      session.id,
      { type: 'removeParticipant', data: { participantId: params.participantId } },
      commandContext(ifMatch),
    );
  }

  @Post('sessions/:sessionId/start')
  @HttpCode(200)
  @Route(routes.start)
  async start(
    @Input() { session }: RouteInput<typeof routes.start>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionView> {
    return this.transition('start', session.id, ifMatch, response);
  }

  @Post('sessions/:sessionId/end')
  @HttpCode(200)
  @Route(routes.end)
  async end(
    @Input() { session }: RouteInput<typeof routes.end>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionView> {
    return this.transition('end', session.id, ifMatch, response);
  }

  private async transition(
    type: 'start' | 'end',
    sessionId: string,
    ifMatch: string | undefined,
    response: Response,
  ): Promise<SessionView> {
    await this.commands.execute(sessionId, { type, data: {} }, commandContext(ifMatch));
    return this.view(sessionId, response);
  }

  /** The class as the read model has it; every route that answers it has checked its scope. */
  private async view(sessionId: string, response: Response): Promise<SessionView> {
    const row = await this.db.session.findUnique({
      where: { id: sessionId },
      include: { participants: { orderBy: { joinedAt: 'asc' } } },
    });
    if (row === null) throw new NotFoundException('session not found');
    const view = toSessionView(row);
    response.setHeader('ETag', `"${view.version}"`);
    return view;
  }
}
