import { Controller, Get, Headers, HttpCode, Inject, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { TimerProgram, TimerProgramInput, TimerState } from '#contracts';
import { normalizeTimerProgram } from '#domain';
import { BadInputError, commandContext } from '../http/errors.js';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route } from '../http/route.js';
import { TimerCommands } from './timer-commands.js';
import { timerRoutes as routes } from './timer.routes.js';

@Controller('api/v1/sessions/:sessionId/timer')
export class TimerController {
  constructor(@Inject(TimerCommands) private readonly commands: TimerCommands) {}

  @Get()
  @Route(routes.get)
  async get(
    @Input() { session }: RouteInput<typeof routes.get>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TimerState> {
    return withETag(await this.commands.state(session.id), response);
  }

  @Put()
  @HttpCode(200)
  @Route(routes.setProgram)
  async setProgram(
    @Input() { session, body }: RouteInput<typeof routes.setProgram>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TimerState> {
    const program = programOf(body);
    const state = await this.commands.execute(
      session.id,
      { type: 'setProgram', program },
      commandContext(ifMatch),
    );
    return withETag(state, response);
  }

  @Post(':action')
  @HttpCode(200)
  @Route(routes.command)
  async command(
    @Input() { session, params }: RouteInput<typeof routes.command>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TimerState> {
    const type = params.action;
    return withETag(await this.commands.execute(session.id, { type }, commandContext(ifMatch)), response);
  }
}

/** A program input as the domain normalizes it; what makes no sense in it is a 400 with its fields. */
export function programOf(input: TimerProgramInput, prefix = ''): TimerProgram {
  const result = normalizeTimerProgram(input);
  if (result.ok) return result.program;
  throw new BadInputError(
    'invalid body',
    result.errors.map((error) => ({
      path: prefix === '' ? error.path : error.path === '(root)' ? prefix : `${prefix}.${error.path}`,
      message: error.message,
    })),
  );
}

function withETag(state: TimerState, response: Response): TimerState {
  response.setHeader('ETag', `"${state.version}"`);
  return state;
}
