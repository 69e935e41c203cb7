import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { readersCheck } from '#eventstore';
import { HealthController, Metrics, healthProviders } from '#platform';
import { DeviceStatusRecorder } from './device-status-recorder.js';
import { MaxHrWatcher } from './max-hr-watcher.js';
import { SampleIngestor } from './sample-ingestor.js';
import { StatusIngestor } from './status-ingestor.js';

export interface IngestDependencies {
  nats: NatsConnection;
  ingestor: SampleIngestor;
  maxHrWatcher: MaxHrWatcher;
  statusIngestor: StatusIngestor;
  recorder: DeviceStatusRecorder;
  metrics: Metrics;
}

class IngestLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(SampleIngestor) private readonly ingestor: SampleIngestor,
    @Inject(MaxHrWatcher) private readonly maxHrWatcher: MaxHrWatcher,
    @Inject(StatusIngestor) private readonly statusIngestor: StatusIngestor,
    @Inject(DeviceStatusRecorder) private readonly recorder: DeviceStatusRecorder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.recorder.start();
    await this.ingestor.start();
    // After the ingestor: its directory has read every class event by then.
    this.maxHrWatcher.start();
    await this.statusIngestor.start();
  }

  /** Consumers first, then what the recorder still holds: both feed it. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.ingestor.stop(), this.statusIngestor.stop(), this.maxHrWatcher.stop()]);
    await this.recorder.stop();
  }
}

@Module({})
export class IngestModule {
  static register({
    nats,
    ingestor,
    maxHrWatcher,
    statusIngestor,
    recorder,
    metrics,
  }: IngestDependencies): DynamicModule {
    return {
      module: IngestModule,
      controllers: [HealthController],
      providers: [
        { provide: SampleIngestor, useValue: ingestor },
        { provide: MaxHrWatcher, useValue: maxHrWatcher },
        { provide: StatusIngestor, useValue: statusIngestor },
        { provide: DeviceStatusRecorder, useValue: recorder },
        IngestLifecycle,
        ...healthProviders('ingest', metrics, [
          { name: 'nats', check: () => !nats.isClosed() && nats.info !== undefined },
          // Down, with the reason, until both consumers run and while any reader of the log is not following.
          readersCheck('consumer', () => [...ingestor.readers, ...statusIngestor.readers]),
        ]),
      ],
    };
  }
}
