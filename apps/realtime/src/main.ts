import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { loadEnv, realtimeEnv } from '#config';
import { createDb } from '#db';
import { EventStore } from '#eventstore';
import {
  Metrics,
  TokenVerifier,
  connectNats,
  instanceName,
  nestLogger,
  serve,
  serviceLogger,
} from '#platform';
import { LiveFeed } from './live-feed.js';
import { RealtimeModule } from './realtime.module.js';

const env = loadEnv(realtimeEnv);
const logger = serviceLogger('realtime', env.LOG_LEVEL);
const nats = await connectNats(env.NATS_URL, instanceName('realtime', env.HRM_INSTANCE), logger);
const store = await EventStore.open(nats);
await store.ensureStreams();
const db = createDb(env.DATABASE_URL, 4);
const feed = new LiveFeed(store, logger);
// Rebuild every class's state from the log before accepting a single screen.
await feed.start();
logger.info('live state rebuilt', { sessions: feed.sessions.size, position: feed.position });
const verifier = new TokenVerifier(db, env.HRM_ADMIN_TOKEN);
const module = RealtimeModule.register({
  nats,
  feed,
  verifier,
  logger,
  metrics: new Metrics(),
  tickMs: env.HRM_TICK_MS,
});
const app = await NestFactory.create(module, { logger: nestLogger(logger) });
app.useWebSocketAdapter(new IoAdapter(app));
await serve(app, env.REALTIME_PORT, logger, [() => feed.stop(), () => nats.drain(), () => db.$disconnect()]);
