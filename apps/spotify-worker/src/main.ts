import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadEnv, spotifyWorkerEnv } from '#config';
import { createDb } from '#db';
import { Metrics, connectNats, instanceName, nestLogger, serve, serviceLogger } from '#platform';
import { SpotifyWorkerModule } from './spotify-worker.module.js';

const env = loadEnv(spotifyWorkerEnv);
const logger = serviceLogger('spotify-worker', env.LOG_LEVEL);
const nats = await connectNats(env.NATS_URL, instanceName('spotify-worker', env.HRM_INSTANCE), logger);
const db = createDb(env.DATABASE_URL, 2);
const app = await NestFactory.create(SpotifyWorkerModule.register(nats, db, new Metrics()), {
  logger: nestLogger(logger),
});
await serve(app, env.SPOTIFY_WORKER_PORT, logger, [() => nats.drain(), () => db.$disconnect()]);
