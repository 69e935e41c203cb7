import { Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Db } from '#db';
import { readersCheck, type LogReader } from '#eventstore';
import { HealthController, Metrics, healthProviders } from '#platform';

/** The Spotify worker's HTTP side: health and metrics (its work is in spotify-worker.ts). */
@Module({})
export class SpotifyWorkerModule {
  static register(nats: NatsConnection, db: Db, metrics: Metrics, readers: () => LogReader[]): DynamicModule {
    return {
      module: SpotifyWorkerModule,
      controllers: [HealthController],
      providers: [
        ...healthProviders('spotify-worker', metrics, [
          { name: 'nats', check: () => !nats.isClosed() },
          {
            name: 'postgres',
            check: async () => {
              const rows: unknown = await db.$queryRaw`SELECT 1`;
              return Array.isArray(rows) && rows.length === 1;
            },
          },
          readersCheck('log', readers),
        ]),
      ],
    };
  }
}
