// What every service does the same way: connect to NATS, log as JSON lines,
// listen, and shut down cleanly on SIGTERM or Ctrl-C.
import type { INestApplication, LoggerService } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import os from 'node:os';
import type { PlatformService } from '#contracts';
import { createLogger, natsServers, type Logger } from '#config';
import { natsClientOptions } from '#nats-auth';
import { InstanceAnnouncer } from './announce.js';
import { HealthController } from './health.js';

export function instanceName(service: string, configured?: string): string {
  return configured ?? `${service}-${os.hostname()}-${process.pid}`;
}

/** Where NATS is and who the service is there (libs/config's commonEnv). */
export interface NatsEnv {
  NATS_URL: string;
  NATS_CREDS?: string | undefined;
  NATS_TLS_CA?: string | undefined;
}

/**
 * Connects, retrying until the server is there, and reconnecting forever after.
 * `noAsyncTraces` skips the stack trace the client takes at every request, for
 * the error it would throw on a timeout: a service publishing an acked message
 * per sample spends more on those traces than on its own work.
 */
export async function connectNats(
  env: NatsEnv,
  name: string,
  logger: Logger,
  options: { noAsyncTraces?: boolean } = {},
): Promise<NatsConnection> {
  const connection = await connect({
    ...natsClientOptions({ credsFile: env.NATS_CREDS, caFile: env.NATS_TLS_CA }),
    servers: natsServers(env.NATS_URL),
    name,
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    noAsyncTraces: options.noAsyncTraces ?? false,
  });
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
        logger.warn(`nats ${status.type}`, { server: 'server' in status ? status.server : undefined });
      }
    }
  })();
  return connection;
}

/** Nest's own log lines, as our JSON lines. */
export function nestLogger(logger: Logger): LoggerService {
  const text = (message: unknown) => (typeof message === 'string' ? message : JSON.stringify(message));
  return {
    log: (message, context?: unknown) => logger.debug(text(message), { context }),
    error: (message, trace?: unknown, context?: unknown) => logger.error(text(message), { trace, context }),
    warn: (message, context?: unknown) => logger.warn(text(message), { context }),
    debug: (message, context?: unknown) => logger.debug(text(message), { context }),
    verbose: (message, context?: unknown) => logger.debug(text(message), { context }),
  };
}

export interface RunningService {
  app: INestApplication;
  stop(): Promise<void>;
}

/** Who the instance is on NATS, for the instance registry (announce.ts). */
export interface Announce {
  nats: NatsConnection;
  service: PlatformService;
  instance: string;
  /** HRM_STREAM_REPLICAS. */
  replicas?: number;
}

/**
 * Listens and announces the instance, then on SIGTERM/SIGINT leaves the
 * registry, closes the app and the given resources in order.
 */
export async function serve(
  app: INestApplication,
  port: number,
  logger: Logger,
  cleanups: Array<() => Promise<unknown>>,
  announce?: Announce,
): Promise<RunningService> {
  await app.listen(port);
  logger.info('listening', { port });
  const announcer = announce ? await announceInstance(app, port, logger, announce) : null;
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('stopping');
      await announcer?.stop();
      await app.close();
      for (const cleanup of cleanups)
        await cleanup().catch((error) => logger.warn('cleanup failed', { error }));
      logger.info('stopped');
    })());
  const onSignal = () => {
    void stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { app, stop };
}

function announceInstance(app: INestApplication, port: number, logger: Logger, announce: Announce) {
  const health = app.get(HealthController);
  return InstanceAnnouncer.start(announce.nats, {
    service: announce.service,
    instance: announce.instance,
    port,
    report: () => health.report(),
    logger,
    ...(announce.replicas !== undefined && { replicas: announce.replicas }),
  });
}

export function serviceLogger(service: string, level: 'debug' | 'info' | 'warn' | 'error'): Logger {
  return createLogger(service, level);
}
