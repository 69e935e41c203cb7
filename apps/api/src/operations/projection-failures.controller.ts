import { Controller, Get, HttpCode, Inject, NotFoundException, Post } from '@nestjs/common';
import type { ProjectionFailureList, ProjectionFailureView } from '#contracts';
import type { Db, ProjectionFailure } from '#db';
import { OwnerRefusedError } from '../http/errors.js';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route } from '../http/route.js';
import { Projector } from '../projections/projector.js';
import { DB } from '../injection.js';
import { projectionFailureRoutes as routes } from './projection-failures.routes.js';

/** Failures span every studio: only the platform operator (bootstrap token, `access: 'admin'`) sees and replays them. */
@Controller('api/v1/admin/projection-failures')
export class ProjectionFailuresController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(Projector) private readonly projector: Projector,
  ) {}

  @Get()
  @Route(routes.list)
  async list(@Input() { query }: RouteInput<typeof routes.list>): Promise<ProjectionFailureList> {
    const { limit, before, state } = query;
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
  async replay(@Input() { params }: RouteInput<typeof routes.replay>): Promise<ProjectionFailureView> {
    const id = params.failureId;
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
