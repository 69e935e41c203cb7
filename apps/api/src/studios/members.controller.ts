import { Controller, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import type { Member, MemberList } from '#contracts';
import type { Db } from '#db';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route } from '../http/route.js';
import { newId } from '../ids.js';
import { DB } from '../injection.js';
import { memberRoutes as routes } from './members.routes.js';
import { requireStudio, toMember } from './views.js';

@Controller('api/v1')
export class MembersController {
  constructor(@Inject(DB) private readonly db: Db) {}

  @Post('studios/:studioId/members')
  @HttpCode(201)
  @Route(routes.create)
  async create(@Input() { params, body: input }: RouteInput<typeof routes.create>): Promise<Member> {
    const id = params.studioId;
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
  async list(@Input() { params }: RouteInput<typeof routes.list>): Promise<MemberList> {
    const id = params.studioId;
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
  async update(@Input() { member, body }: RouteInput<typeof routes.update>): Promise<Member> {
    return toMember(await this.db.member.update({ where: { id: member.id }, data: body }));
  }
}
