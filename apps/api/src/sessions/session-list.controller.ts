// History lists: a studio's classes and an athlete's classes, keyset-paginated.
import { Controller, Get, Inject } from '@nestjs/common';
import type { MemberSessionPage, SessionPage } from '#contracts';
import type { Db } from '#db';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route } from '../http/route.js';
import { DB } from '../injection.js';
import { requireStudio } from '../studios/views.js';
import { listSessions, memberSessions } from './session-list.query.js';
import { sessionRoutes as routes } from './sessions.routes.js';

@Controller('api/v1')
export class SessionListController {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** The declaration checks the studio the query names; the bootstrap operator may name none (every studio). */
  @Get('sessions')
  @Route(routes.list)
  async list(@Input() { query }: RouteInput<typeof routes.list>): Promise<SessionPage> {
    if (query.studioId !== undefined) await requireStudio(this.db, query.studioId);
    return listSessions(this.db, query.studioId, query);
  }

  @Get('members/:memberId/sessions')
  @Route(routes.forMember)
  async forMember(
    @Input() { member, query }: RouteInput<typeof routes.forMember>,
  ): Promise<MemberSessionPage> {
    return memberSessions(this.db, member, query);
  }
}
