import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Patch,
  Post,
} from '@nestjs/common';
import type { Member, MemberList } from '#contracts';
import type { Db } from '#db';
import type { Principal } from '#platform';
import { Caller } from '../auth/auth.guard.js';
import { authorize } from '../auth/principal.js';
import { Route, parseBody, parseParam } from '../http/route.js';
import { newId } from '../ids.js';
import { DB } from '../tokens.js';
import { memberRoutes as routes } from './members.routes.js';
import { requireStudio, toMember } from './views.js';

@Controller('api/v1')
export class MembersController {
  constructor(@Inject(DB) private readonly db: Db) {}

  @Post('studios/:studioId/members')
  @HttpCode(201)
  @Route(routes.create)
  async create(
    @Caller() caller: Principal,
    @Param('studioId') studioId: string,
    @Body() body: unknown,
  ): Promise<Member> {
    const id = parseParam(routes.create, 'studioId', studioId);
    authorize(caller, id, 'write', 'studio');
    const input = parseBody(routes.create, body);
    await requireStudio(this.db, id);
    const row = await this.db.member.create({
      data: {
        id: newId('m'),
        studioId: id,
        displayName: input.displayName,
        birthYear: input.birthYear ?? null,
        sex: input.sex ?? 'unspecified',
        weightKg: input.weightKg ?? null,
        restingHr: input.restingHr ?? null,
        maxHr: input.maxHr ?? null,
      },
    });
    return toMember(row);
  }

  @Get('studios/:studioId/members')
  @Route(routes.list)
  async list(@Caller() caller: Principal, @Param('studioId') studioId: string): Promise<MemberList> {
    const id = parseParam(routes.list, 'studioId', studioId);
    authorize(caller, id, 'read', 'studio');
    const rows = await this.db.member.findMany({
      where: { studioId: id },
      orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
    });
    return { members: rows.map(toMember) };
  }

  /**
   * A partial change; null clears an optional field. Classes the athlete
   * already joined keep the profile they copied when they joined.
   */
  @Patch('members/:memberId')
  @Route(routes.update)
  async update(
    @Caller() caller: Principal,
    @Param('memberId') memberId: string,
    @Body() body: unknown,
  ): Promise<Member> {
    const id = parseParam(routes.update, 'memberId', memberId);
    const existing = await this.db.member.findUnique({ where: { id }, select: { studioId: true } });
    if (existing === null) throw new NotFoundException('member not found');
    authorize(caller, existing.studioId, 'write', 'member');
    const input = parseBody(routes.update, body);
    return toMember(await this.db.member.update({ where: { id }, data: input }));
  }
}
