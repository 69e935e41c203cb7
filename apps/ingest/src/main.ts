import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ingestEnv, loadEnv } from '#config';
import { EventStore } from '#eventstore';
import { Metrics, connectNats, instanceName, nestLogger, serve, serviceLogger } from '#platform';
import { IngestModule } from './ingest.module.js';
import { SampleIngestor } from './sample-ingestor.js';

const env = loadEnv(ingestEnv);
const logger = serviceLogger('ingest', env.LOG_LEVEL);
const nats = await connectNats(env.NATS_URL, instanceName('ingest', env.HRM_INSTANCE), logger);
const store = await EventStore.open(nats);
await store.ensureStreams();
const metrics = new Metrics();
const ingestor = new SampleIngestor(store, logger, metrics, {
  batchSize: env.INGEST_BATCH,
  ackWaitMs: env.INGEST_ACK_WAIT_MS,
});
const app = await NestFactory.create(IngestModule.register({ nats, ingestor, metrics }), {
  logger: nestLogger(logger),
});
await serve(app, env.INGEST_PORT, logger, [() => nats.drain()]);
