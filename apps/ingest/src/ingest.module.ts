import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { HealthController, Metrics, healthProviders } from '#platform';
import { SampleIngestor } from './sample-ingestor.js';

export interface IngestDependencies {
  nats: NatsConnection;
  ingestor: SampleIngestor;
  metrics: Metrics;
}

class IngestLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(SampleIngestor) private readonly ingestor: SampleIngestor) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ingestor.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ingestor.stop();
  }
}

@Module({})
export class IngestModule {
  static register({ nats, ingestor, metrics }: IngestDependencies): DynamicModule {
    return {
      module: IngestModule,
      controllers: [HealthController],
      providers: [
        { provide: SampleIngestor, useValue: ingestor },
        IngestLifecycle,
        ...healthProviders('ingest', metrics, [
          { name: 'nats', check: () => !nats.isClosed() && nats.info !== undefined },
          { name: 'consumer', check: () => ingestor.ready },
        ]),
      ],
    };
  }
}
