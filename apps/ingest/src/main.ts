import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ingestEnv, loadEnv } from '#config';
import { DeviceStatusStore, EventStore, StudioRegistry } from '#eventstore';
import { Metrics, connectNats, instanceName, nestLogger, serve, serviceLogger } from '#platform';
import { DeviceStatusRecorder } from './device-status-recorder.js';
import { IngestModule } from './ingest.module.js';
import { DeadLetters } from './ingress-consumer.js';
import { MaxHrWatcher } from './max-hr-watcher.js';
import { INGEST_CONSUMER, SampleIngestor } from './sample-ingestor.js';
import { StatusIngestor } from './status-ingestor.js';

const env = loadEnv(ingestEnv);
const logger = serviceLogger('ingest', env.LOG_LEVEL);
// One JetStream publish per sample: the traces of those requests would cost more than ingest's own work.
const instance = instanceName('ingest', env.HRM_INSTANCE);
const nats = await connectNats(env, instance, logger, {
  noAsyncTraces: true,
});
const store = await EventStore.open(nats, { logger, replicas: env.HRM_STREAM_REPLICAS });
await store.ensureStreams();
const metrics = new Metrics();
const deadLetters = new DeadLetters(store, logger, metrics);
// Which studios exist (the API keeps the bucket): a gateway of any other is refused.
const studios = await StudioRegistry.open(nats, undefined, store.replication);
await studios.follow();
const recorder = new DeviceStatusRecorder(
  await DeviceStatusStore.open(nats, store.replication),
  logger,
  metrics,
  {
    intervalMs: env.INGEST_DEVICE_STATUS_INTERVAL_MS,
  },
);
const consumerOptions = {
  batchSize: env.INGEST_BATCH,
  ackWaitMs: env.INGEST_ACK_WAIT_MS,
  maxFutureMs: env.INGEST_MAX_FUTURE_MS,
};
const ingestor = new SampleIngestor(store, logger, metrics, deadLetters, recorder, studios, {
  ...consumerOptions,
  inFlight: env.INGEST_IN_FLIGHT,
});
const maxHrWatcher = new MaxHrWatcher(store, ingestor.directory, logger, {
  consumer: INGEST_CONSUMER,
  maxFutureMs: env.INGEST_MAX_FUTURE_MS,
});
const statusIngestor = new StatusIngestor(store, recorder, deadLetters, studios, logger, consumerOptions);
const app = await NestFactory.create(
  IngestModule.register({ nats, ingestor, maxHrWatcher, statusIngestor, recorder, metrics }),
  {
    logger: nestLogger(logger),
  },
);
await serve(app, env.INGEST_PORT, logger, [() => nats.drain()], {
  nats,
  service: 'ingest',
  instance,
  replicas: env.HRM_STREAM_REPLICAS,
});
