import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadEnv, realtimeEnv } from '#config';
import { createDb } from '#db';
import { DeviceStatusStore, EventStore } from '#eventstore';
import {
  Metrics,
  NatsRequestClient,
  TokenVerifier,
  activeTokenIds,
  connectNats,
  instanceName,
  nestLogger,
  serve,
  serviceLogger,
} from '#platform';
import { CommandForwarder } from './command-forwarder.js';
import { LeanIoAdapter } from './screens/lean-io-adapter.js';
import { LiveFeed } from './state/live-feed.js';
import { RealtimeModule } from './realtime.module.js';
import { StudioDirectory } from './state/studio-directory.js';
import { TokenWatch } from './screens/token-watch.js';

const env = loadEnv(realtimeEnv);
const logger = serviceLogger('realtime', env.LOG_LEVEL);
const instance = instanceName('realtime', env.HRM_INSTANCE);
const nats = await connectNats(env, instance, logger);
const store = await EventStore.open(nats, { logger, replicas: env.HRM_STREAM_REPLICAS });
await store.ensureStreams();
const db = createDb(env.DATABASE_URL, 4);
const feed = new LiveFeed(store, logger, {
  maxFutureMs: env.INGEST_MAX_FUTURE_MS,
  keepEndedMs: env.REALTIME_KEEP_ENDED_MS,
});
// Read every open class from the log before accepting a single screen.
await feed.start();
logger.info('live state rebuilt', { sessions: feed.sessions.size, position: feed.position });
const verifier = new TokenVerifier(db, env.HRM_ADMIN_TOKEN);
const directory = new StudioDirectory(db, await DeviceStatusStore.open(nats, store.replication), logger);
const module = RealtimeModule.register({
  nats,
  feed,
  verifier,
  directory,
  forwarder: new CommandForwarder(new NatsRequestClient(nats), env.REALTIME_COMMAND_TIMEOUT_MS),
  tokenWatch: new TokenWatch(
    (tokenIds, now) => activeTokenIds(db, tokenIds, now),
    (error) => logger.warn('cannot check the connected tokens; open sockets stay until it can', { error }),
  ),
  logger,
  metrics: new Metrics(),
  tickMs: env.HRM_TICK_MS,
  rateLimit: {
    burst: env.REALTIME_RATE_BURST,
    perSecond: env.REALTIME_RATE_PER_SECOND,
    disconnectAfter: env.REALTIME_RATE_DISCONNECT_AFTER,
  },
  logReaders: () => store.readers,
});
const app = await NestFactory.create(module, { logger: nestLogger(logger) });
app.useWebSocketAdapter(new LeanIoAdapter(app));
await serve(app, env.REALTIME_PORT, logger, [() => feed.stop(), () => nats.drain(), () => db.$disconnect()], {
  nats,
  service: 'realtime',
  instance,
  replicas: env.HRM_STREAM_REPLICAS,
});
