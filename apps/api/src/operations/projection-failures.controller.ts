import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import type { ProjectionFailureList, ProjectionFailureView } from '#contracts';
import type { Db, ProjectionFailure } from '#db';
import type { Principal } from '#platform';
import { Caller } from '../auth/auth.guard.js';
import { requireAdmin } from '../auth/principal.js';
import { OwnerRefusedError } from '../http/errors.js';
import { Route, parseParam, parseQuery } from '../http/route.js';
import { Projector } from '../projections/projector.js';
import { DB } from '../tokens.js';
import { projectionFailureRoutes as routes } from './projection-failures.routes.js';

/** Failures span every studio: only the platform operator (bootstrap token) sees and replays them. */
@Controller('api/v1/admin/projection-failures')
export class ProjectionFailuresController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(Projector) private readonly projector: Projector,
  ) {}

  @Get()
  @Route(routes.list)
  async list(@Caller() caller: Principal, @Query() query: unknown): Promise<ProjectionFailureList> {
    requireAdmin(caller);
    const { limit, before, state } = parseQuery(routes.list, query);
    const rows = await this.db.projectionFailure.findMany({
      where: {
        ...(before !== undefined && { id: { lt: BigInt(before) } }),
        ...(state === 'parked' && { resolvedAt: null }),
        ...(state === 'resolved' && { resolvedAt: { not: null } }),
      },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { failures: page.map(toView), next: rows.length > limit && last ? Number(last.id) : null };
  }

  @Post(':failureId/replay')
  @HttpCode(200)
  @Route(routes.replay)
  async replay(
    @Caller() caller: Principal,
    @Param('failureId') failureId: string,
  ): Promise<ProjectionFailureView> {
    requireAdmin(caller);
    const id = parseParam(routes.replay, 'failureId', failureId);
    const result = await this.projector.replay(BigInt(id));
    if (result === null) throw new NotFoundException('projection failure not found');
    if (!result.ok) {
      const code = result.error.code === null ? '' : ` (${result.error.code})`;
      throw new OwnerRefusedError('projection', result.reason, 409, `${result.error.message}${code}`);
    }
    return toView(result.failure);
  }
}

function toView(row: ProjectionFailure): ProjectionFailureView {
  return {
    id: Number(row.id),
    projection: row.projection,
    stream: row.stream,
    seq: Number(row.seq),
    subject: row.subject,
    error: { code: row.errorCode, message: row.errorMessage },
    attempts: row.attempts,
    parkedAt: row.parkedAt.getTime(),
    resolvedAt: row.resolvedAt?.getTime() ?? null,
  };
}
