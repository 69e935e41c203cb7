import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { HeartRateSeries, SessionEventsPage, SessionSummary } from '#contracts';
import type { Db } from '#db';
import { EventStore } from '#eventstore';
import type { Principal } from '#platform';
import { Caller } from '../auth/auth.guard.js';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route, parseQuery } from '../http/route.js';
import { sessionInScope } from '../sessions/session-scope.js';
import { DB } from '../injection.js';
import { sessionEventsPage } from './events.query.js';
import { writeSamplesCsv } from './export-csv.js';
import { heartRateSeries } from './heart-rate.query.js';
import { historyRoutes as routes } from './history.routes.js';
import { sessionSummary } from './summary.query.js';

@Controller('api/v1/sessions/:sessionId')
export class HistoryController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(EventStore) private readonly store: EventStore,
  ) {}

  // heart-rate and events parse their query before they look the class up (a bad query is a 400
  // even for a class that is not found), so they keep their own checks: the declaration checks
  // the scope first.
  @Get('heart-rate')
  @Route(routes.heartRate)
  async heartRate(
    @Caller() caller: Principal,
    @Param('sessionId') sessionId: string,
    @Query() query: unknown,
  ): Promise<HeartRateSeries> {
    const { participantId, bucket } = parseQuery(routes.heartRate, query);
    const id = (await sessionInScope(this.db, caller, sessionId, 'read')).id;
    return heartRateSeries(this.db, id, bucket, participantId);
  }

  @Get('summary')
  @Route(routes.summary)
  async summary(@Input() { session }: RouteInput<typeof routes.summary>): Promise<SessionSummary> {
    return sessionSummary(this.db, this.store, session.id);
  }

  @Get('events')
  @Route(routes.events)
  async events(
    @Caller() caller: Principal,
    @Param('sessionId') sessionId: string,
    @Query() query: unknown,
  ): Promise<SessionEventsPage> {
    const page = parseQuery(routes.events, query);
    return sessionEventsPage(this.store, (await sessionInScope(this.db, caller, sessionId, 'read')).id, page);
  }

  @Get('export.csv')
  @Route(routes.exportCsv)
  async exportCsv(
    @Input() { session }: RouteInput<typeof routes.exportCsv>,
    @Res() response: Response,
  ): Promise<void> {
    const { id } = session;
    const participants = await this.db.participant.findMany({
      where: { sessionId: id },
      select: { id: true, displayName: true },
    });
    response.status(200);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${id}.csv"`);
    try {
      await writeSamplesCsv(this.db, id, new Map(participants.map((p) => [p.id, p.displayName])), response);
      response.end();
    } catch (error) {
      // Once rows are out the status is sent: all we can do is cut the download short.
      if (!response.headersSent) throw error;
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
