import { Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '#config';
import { HealthController, Metrics, TokenVerifier, healthProviders } from '#platform';
import { LiveFeed } from './live-feed.js';
import { LiveGateway } from './live.gateway.js';
import { LOGGER, TICK_MS } from './tokens.js';

export interface RealtimeDependencies {
  nats: NatsConnection;
  feed: LiveFeed;
  verifier: TokenVerifier;
  logger: Logger;
  metrics: Metrics;
  tickMs: number;
}

@Module({})
export class RealtimeModule {
  static register({ nats, feed, verifier, logger, metrics, tickMs }: RealtimeDependencies): DynamicModule {
    return {
      module: RealtimeModule,
      controllers: [HealthController],
      providers: [
        { provide: LiveFeed, useValue: feed },
        { provide: TokenVerifier, useValue: verifier },
        { provide: LOGGER, useValue: logger },
        { provide: TICK_MS, useValue: tickMs },
        LiveGateway,
        ...healthProviders('realtime', metrics, [{ name: 'nats', check: () => !nats.isClosed() }]),
      ],
    };
  }
}
