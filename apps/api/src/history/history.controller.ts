import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { HeartRateSeries, SessionEventsPage, SessionSummary } from '#contracts';
import type { Db } from '#db';
import { EventStore } from '#eventstore';
import { Input, type RouteInput } from '../http/route-input.js';
import { Route } from '../http/route.js';
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

  @Get('heart-rate')
  @Route(routes.heartRate)
  async heartRate(
    @Input() { session, query }: RouteInput<typeof routes.heartRate>,
  ): Promise<HeartRateSeries> {
    return heartRateSeries(this.db, session.id, query.bucket, query.participantId);
  }

  @Get('summary')
  @Route(routes.summary)
  async summary(@Input() { session }: RouteInput<typeof routes.summary>): Promise<SessionSummary> {
    return sessionSummary(this.db, this.store, session.id);
  }

  @Get('events')
  @Route(routes.events)
  async events(@Input() { session, query }: RouteInput<typeof routes.events>): Promise<SessionEventsPage> {
    return sessionEventsPage(this.store, session.id, query);
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
