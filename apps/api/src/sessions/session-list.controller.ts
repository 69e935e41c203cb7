// History lists: a studio's classes and an athlete's classes, keyset-paginated.
import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { MemberSessionPage, SessionPage } from '#contracts';
import type { Db } from '#db';
import type { Principal } from '#platform';
import { Caller } from '../auth/auth.guard.js';
import { authorize } from '../auth/principal.js';
import { BadInputError } from '../http/errors.js';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route, parseQuery } from '../http/route.js';
import { DB } from '../injection.js';
import { requireStudio } from '../studios/views.js';
import { listSessions, memberSessions } from './session-list.query.js';
import { sessionRoutes as routes } from './sessions.routes.js';

@Controller('api/v1')
export class SessionListController {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** A studio token lists its own studio and must name it; the bootstrap operator may list every studio. */
  @Get('sessions')
  @Route(routes.list)
  async list(@Caller() caller: Principal, @Query() raw: unknown): Promise<SessionPage> {
    const query = parseQuery(routes.list, raw);
    if (query.studioId === undefined) {
      if (caller.kind === 'admin') return listSessions(this.db, undefined, query);
      throw new BadInputError('invalid query', [
        { path: 'studioId', message: 'required for a studio token' },
      ]);
    }
    authorize(caller, query.studioId, 'read', 'studio');
    await requireStudio(this.db, query.studioId);
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
