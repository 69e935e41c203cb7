import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { createMemberBody, entityId, type Member } from '#contracts';
import type { Db } from '#db';
import type { Principal } from '#platform';
import { Caller } from '../auth/auth.guard.js';
import { authorize } from '../auth/principal.js';
import { parseInput } from '../http/errors.js';
import { newId } from '../ids.js';
import { DB } from '../tokens.js';
import { requireStudio, toMember } from './views.js';

@Controller('api/v1/studios/:studioId/members')
export class MembersController {
  constructor(@Inject(DB) private readonly db: Db) {}

  @Post()
  @HttpCode(201)
  async create(
    @Caller() caller: Principal,
    @Param('studioId') studioId: string,
    @Body() body: unknown,
  ): Promise<Member> {
    const id = parseInput(entityId, studioId, 'studio id');
    authorize(caller, id, 'write', 'studio');
    const input = parseInput(createMemberBody, body);
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

  @Get()
  async list(
    @Caller() caller: Principal,
    @Param('studioId') studioId: string,
  ): Promise<{ members: Member[] }> {
    const id = parseInput(entityId, studioId, 'studio id');
    authorize(caller, id, 'read', 'studio');
    const rows = await this.db.member.findMany({
      where: { studioId: id },
      orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
    });
    return { members: rows.map(toMember) };
  }
}
