import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '#config';
import type { Db } from '#db';
import { EventStore, ProjectionRunner, type Projection, type ReplayResult } from '#eventstore';
import { Metrics } from '#platform';
import { DB, LOGGER } from '../injection.js';
import { heartRateProjection } from './heart-rate.projection.js';
import { SessionsProjection, sessionsProjection } from './sessions.projection.js';

/** The API's projections: the admin health route shows each one's place in its stream. */
export const apiProjections: readonly Projection[] = [sessionsProjection, heartRateProjection];

/** Builds the API's read models from the log, in this process. */
@Injectable()
export class Projector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sessions: ProjectionRunner;
  private readonly heartRate: ProjectionRunner;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DB) db: Db,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(Metrics) metrics: Metrics,
  ) {
    // It reads a class back from its subject when it does not hold its state (a restart mid-class).
    this.sessions = new ProjectionRunner(store, db, new SessionsProjection(store), logger, {
      batchSize: 200,
      metrics,
    });
    // A heart-rate event holds a gateway message's samples of one class (about one per athlete):
    // 100 of them are a few thousand rows a transaction.
    this.heartRate = new ProjectionRunner(store, db, heartRateProjection, logger, {
      batchSize: 100,
      metrics,
    });
    this.measure(metrics, [
      [sessionsProjection, this.sessions],
      [heartRateProjection, this.heartRate],
    ]);
  }

  /** At each scrape: how far each projection has applied the log, and how far behind its head it is. */
  private measure(metrics: Metrics, runners: Array<[Projection, ProjectionRunner]>): void {
    const position = metrics.gauge(
      'hrm_projection_position_seq',
      "Log sequence of the last event the projection applied (this instance's view of its checkpoint)",
    );
    const head = metrics.gauge(
      'hrm_projection_log_head_seq',
      "Log sequence of the last event on the projection's subjects",
    );
    const lag = metrics.gauge(
      'hrm_projection_lag_seq',
      "Log sequences between the last event on the projection's subjects and the last it applied; 0 when caught up",
    );
    metrics.collect(async () => {
      for (const [projection, runner] of runners) {
        const labels = { projection: projection.name };
        position(runner.position, labels);
        const last = await this.store.lastSequenceOf(projection.stream, projection.filterSubject);
        head(last, labels);
        lag(Math.max(0, last - runner.position), labels);
      }
    });
  }

  get running(): boolean {
    return this.sessions.running && this.heartRate.running;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.sessions.start();
    await this.heartRate.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sessions.stop();
    await this.heartRate.stop();
  }

  /** Applies a parked event again through the projection that parked it; null when there is no such failure. */
  async replay(failureId: bigint): Promise<ReplayResult | null> {
    for (const runner of [this.sessions, this.heartRate]) {
      const result = await runner.replay(failureId);
      if (result !== null) return result;
    }
    return null;
  }

  /** Read-your-writes for commands: resolves once the class's read model includes `version`. */
  async sessionsCaughtUp(version: number): Promise<void> {
    if (!(await this.sessions.waitFor(version))) {
      // The event is in the log and will be projected; the caller may briefly read an older view.
      this.logger.warn('read model is behind the log', { projection: 'api-sessions', version });
    }
  }
}
