import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { entityId, heartRateQuery, type HeartRateSeries } from '#contracts';
import type { Db } from '#db';
import type { Principal } from '#platform';
import { Caller } from '../auth/auth.guard.js';
import { authorize } from '../auth/principal.js';
import { parseInput } from '../http/errors.js';
import { DB } from '../tokens.js';
import { heartRateSeries } from './heart-rate.query.js';

@Controller('api/v1/sessions/:sessionId')
export class HistoryController {
  constructor(@Inject(DB) private readonly db: Db) {}

  @Get('heart-rate')
  async heartRate(
    @Caller() caller: Principal,
    @Param('sessionId') sessionId: string,
    @Query() query: unknown,
  ): Promise<HeartRateSeries> {
    const id = parseInput(entityId, sessionId, 'session id');
    const { participantId, bucket } = parseInput(heartRateQuery, query, 'query');
    const session = await this.db.session.findUnique({ where: { id }, select: { studioId: true } });
    if (session === null) throw new NotFoundException('session not found');
    authorize(caller, session.studioId, 'read', 'session');
    return heartRateSeries(this.db, id, bucket, participantId);
  }
}
