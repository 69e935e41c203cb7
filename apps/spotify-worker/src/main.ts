import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadEnv, spotifyWorkerEnv } from '#config';
import { createDb } from '#db';
import { EventStore } from '#eventstore';
import { Metrics, connectNats, instanceName, nestLogger, serve, serviceLogger } from '#platform';
import { SpotifyWorkerModule } from './spotify-worker.module.js';
import { startSpotifyWorker } from './spotify-worker.js';

const env = loadEnv(spotifyWorkerEnv);
const logger = serviceLogger('spotify-worker', env.LOG_LEVEL);
const instance = instanceName('spotify-worker', env.HRM_INSTANCE);
const nats = await connectNats(env, instance, logger);
const store = await EventStore.open(nats, { logger, replicas: env.HRM_STREAM_REPLICAS });
await store.ensureStreams();
// Refreshes hold a connection while they wait for a studio's lock: a few more than 2.
const db = createDb(env.DATABASE_URL, 5);
const metrics = new Metrics();
const worker = await startSpotifyWorker(env, { nats, db, store, logger, instance, metrics });
const app = await NestFactory.create(
  SpotifyWorkerModule.register(nats, db, metrics, () => store.readers),
  {
    logger: nestLogger(logger),
  },
);
await serve(
  app,
  env.SPOTIFY_WORKER_PORT,
  logger,
  [() => worker.stop(), () => nats.drain(), () => db.$disconnect()],
  { nats, service: 'spotify-worker', instance, replicas: env.HRM_STREAM_REPLICAS },
);
