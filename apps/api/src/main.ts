import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { apiEnv, loadEnv } from '#config';
import { createDb } from '#db';
import { DeviceStatusStore, EventStore, StudioRegistry } from '#eventstore';
import { Metrics, connectNats, instanceName, nestLogger, serve, serviceLogger } from '#platform';
import { ApiModule } from './api.module.js';

const env = loadEnv(apiEnv);
const logger = serviceLogger('api', env.LOG_LEVEL);
const instance = instanceName('api', env.HRM_INSTANCE);
const nats = await connectNats(env.NATS_URL, instance, logger);
const store = await EventStore.open(nats, { logger });
await store.ensureStreams();
const db = createDb(env.DATABASE_URL);
const module = ApiModule.register({
  nats,
  store,
  deviceStatus: await DeviceStatusStore.open(nats),
  studios: await StudioRegistry.open(nats),
  db,
  logger,
  metrics: new Metrics(),
  adminToken: env.HRM_ADMIN_TOKEN,
});
const app = await NestFactory.create(module, { logger: nestLogger(logger) });
await serve(app, env.API_PORT, logger, [() => nats.drain(), () => db.$disconnect()], {
  nats,
  service: 'api',
  instance,
});
