import 'reflect-metadata';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { apiEnv, loadEnv } from '#config';
import { createDb } from '#db';
import { ClassIndex, DeviceStatusStore, EventStore, StudioRegistry } from '#eventstore';
import {
  Metrics,
  NatsRequestServer,
  connectNats,
  instanceName,
  nestLogger,
  serve,
  serviceLogger,
} from '#platform';
import { ApiModule } from './api.module.js';
import { GatewayAdmin } from './gateways/gateway-admin.js';
import { useJsonBodies } from './http/json-body.js';
import { requestLog } from './http/request-log.js';
import { WebApp, defaultWebDir } from './web/web-app.js';

const env = loadEnv(apiEnv);
const logger = serviceLogger('api', env.LOG_LEVEL);
const instance = instanceName('api', env.HRM_INSTANCE);
const nats = await connectNats(env, instance, logger);
const store = await EventStore.open(nats, { logger, replicas: env.HRM_STREAM_REPLICAS });
await store.ensureStreams();
const classIndex = await ClassIndex.open(store);
await classIndex.ensureBuilt();
const db = createDb(env.DATABASE_URL);
const gateways = await GatewayAdmin.connect(env, instance, logger);
const metrics = new Metrics();
const webApp = new WebApp(env.HRM_WEB_DIR ?? defaultWebDir);
const module = ApiModule.register({
  nats,
  store,
  classIndex,
  deviceStatus: await DeviceStatusStore.open(nats, store.replication),
  studios: await StudioRegistry.open(nats, undefined, store.replication),
  db,
  logger,
  metrics,
  adminToken: env.HRM_ADMIN_TOKEN,
  gatewayAdmin: gateways?.admin,
  web: {
    app: webApp,
    realtimeUrl: env.HRM_PUBLIC_REALTIME_URL,
    realtimePort: env.REALTIME_PORT,
  },
});
// Our own JSON parser (any JSON value, 100 kB), after the request log so that every answer is logged.
const app = await NestFactory.create<NestExpressApplication>(module, {
  logger: nestLogger(logger),
  bodyParser: false,
});
app.use(requestLog(logger, metrics));
useJsonBodies(app);
// The web app's hashed assets: cached for good (a new build names new files).
app.useStaticAssets(path.join(webApp.dir, 'assets'), {
  prefix: '/assets/',
  index: false,
  immutable: true,
  maxAge: '365d',
  fallthrough: true,
});
// The timer commands realtime forwards (cmd.timer.<sessionId>): Nest's NATS transport, on our connection.
app.connectMicroservice({
  strategy: new NatsRequestServer(nats, { code: 'internal', message: 'internal error' }),
});
await app.startAllMicroservices();
const closers = [() => nats.drain(), () => db.$disconnect()];
if (gateways) closers.push(() => gateways.system.drain());
await serve(app, env.API_PORT, logger, closers, {
  nats,
  service: 'api',
  instance,
  replicas: env.HRM_STREAM_REPLICAS,
});
