import { Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '#config';
import { HealthController, Metrics, TokenVerifier, healthProviders } from '#platform';
import { CommandForwarder } from './command-forwarder.js';
import { LiveFeed } from './state/live-feed.js';
import { LiveAlerts } from './screens/live-alerts.js';
import { LiveMetrics } from './screens/live-metrics.js';
import { LiveTick } from './screens/live-tick.js';
import { LiveGateway } from './screens/live.gateway.js';
import { PlaybackWatch } from './screens/playback-watch.js';
import type { RateLimit } from './screens/rate-limit.js';
import { StudioDirectory } from './state/studio-directory.js';
import { TokenWatch } from './screens/token-watch.js';
import { spotifySubjects } from '#contracts';
import { readersHealth, type LogReader } from '#eventstore';
import { LOGGER, RATE_LIMIT, SPOTIFY_WATCH, TICK_MS } from './injection.js';

export interface RealtimeDependencies {
  nats: NatsConnection;
  feed: LiveFeed;
  verifier: TokenVerifier;
  directory: StudioDirectory;
  forwarder: CommandForwarder;
  tokenWatch: TokenWatch;
  logger: Logger;
  metrics: Metrics;
  tickMs: number;
  rateLimit: RateLimit;
  /** The long-lived readers of the log (the feed's tails), for /healthz. */
  logReaders: () => LogReader[];
}

@Module({})
export class RealtimeModule {
  static register(dependencies: RealtimeDependencies): DynamicModule {
    const {
      nats,
      feed,
      verifier,
      directory,
      forwarder,
      tokenWatch,
      logger,
      metrics,
      tickMs,
      rateLimit,
      logReaders,
    } = dependencies;
    return {
      module: RealtimeModule,
      controllers: [HealthController],
      providers: [
        { provide: LiveFeed, useValue: feed },
        { provide: TokenVerifier, useValue: verifier },
        { provide: StudioDirectory, useValue: directory },
        { provide: CommandForwarder, useValue: forwarder },
        { provide: TokenWatch, useValue: tokenWatch },
        { provide: LOGGER, useValue: logger },
        { provide: TICK_MS, useValue: tickMs },
        { provide: RATE_LIMIT, useValue: rateLimit },
        {
          provide: SPOTIFY_WATCH,
          useValue: (studioId: string) => nats.publish(spotifySubjects.watch(studioId)),
        },
        LiveMetrics,
        LiveAlerts,
        LiveTick,
        PlaybackWatch,
        LiveGateway,
        ...healthProviders('realtime', metrics, [
          { name: 'nats', check: () => !nats.isClosed() },
          // Not ready until every class is rebuilt from the log (screens are refused until then),
          // nor while a reader of the log is not following it (screens would freeze).
          {
            name: 'log',
            check: () =>
              feed.rebuilt ? readersHealth(logReaders()) : { up: false, reason: 'rebuilding from the log' },
          },
        ]),
      ],
    };
  }
}
