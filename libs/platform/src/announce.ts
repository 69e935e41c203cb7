// Each running instance announces itself on NATS (contracts' instanceRegistry):
// its name, version, health URL and its own /healthz answer, every few seconds,
// and removes itself on a clean stop. The API's admin health route reads the
// bucket, so it learns every instance of every service (both realtimes of the
// compose file, a second ingest) without a list of URLs to keep in step with
// the deployment, and without reaching into each instance's network.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StorageType, type JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import {
  instanceAnnouncement,
  instanceKey,
  instanceRegistry,
  type HealthReport,
  type InstanceAnnouncement,
  type PlatformService,
} from '#contracts';
import type { Logger } from '#config';
import { openBucket, type Replication } from './replicas.js';

/** Opens the registry bucket, creating it on first use (any service may be the first to start). */
export async function openInstanceRegistry(
  connection: NatsConnection,
  replication?: Replication,
): Promise<KV> {
  return openBucket(
    connection,
    instanceRegistry.bucket,
    { history: 1, ttl: instanceRegistry.ttlMs, storage: StorageType.File },
    replication,
  );
}

/**
 * Every instance's last announcement, once each. The keys come from the
 * bucket's stream state, one answer at one moment: the KV's own key listing
 * runs on a live consumer, and beats landing while it runs make it repeat
 * some keys and stop before others. An entry that does not parse is not an
 * instance of ours.
 */
export async function registeredInstances(
  jsm: JetStreamManager,
  registry: KV,
): Promise<InstanceAnnouncement[]> {
  const prefix = `$KV.${instanceRegistry.bucket}.`;
  const { state } = await jsm.streams.info(`KV_${instanceRegistry.bucket}`, {
    subjects_filter: `${prefix}>`,
  });
  const keys = Object.keys(state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
  const entries = await Promise.all(keys.map((key) => registry.get(key)));
  return entries.flatMap((entry) => {
    if (entry === null || entry.operation !== 'PUT') return [];
    try {
      const parsed = instanceAnnouncement.safeParse(entry.json());
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}

const packageManifest = z.object({ name: z.string(), version: z.string().min(1) });

/** The platform's version: `version` of the nearest package.json above this module, `unknown` without one. */
export function platformVersion(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const parsed = packageManifest.safeParse(
        JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')),
      );
      if (parsed.success) return parsed.data.version;
    } catch {
      // No (readable) package.json here: look further up.
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

export interface AnnouncerOptions {
  service: PlatformService;
  instance: string;
  port: number;
  /** What the instance's /healthz answers now. */
  report: () => Promise<HealthReport>;
  logger: Logger;
  heartbeatMs?: number;
  /** HRM_STREAM_REPLICAS, for the registry's bucket. */
  replicas?: number;
}

/** How long a stop waits for a beat in flight (its health checks may wait on an outage). */
const STOP_WAIT_MS = 2_000;

export class InstanceAnnouncer {
  private timer: NodeJS.Timeout | null = null;
  /** The beat in flight, if any: a slow one is not overlapped by the next. */
  private beating: Promise<void> | null = null;
  private stopped = false;
  private failing = false;
  private readonly key: string;
  private readonly identity: Omit<InstanceAnnouncement, 'at' | 'health'>;

  private constructor(
    private readonly kv: KV,
    private readonly options: AnnouncerOptions,
  ) {
    const host = os.hostname();
    this.key = instanceKey(options.instance);
    this.identity = {
      service: options.service,
      instance: options.instance,
      version: platformVersion(),
      host,
      port: options.port,
      healthUrl: `http://${host}:${options.port}/healthz`,
      startedAt: Date.now(),
    };
  }

  /** Announces at once, then every heartbeat until `stop`. */
  static async start(connection: NatsConnection, options: AnnouncerOptions): Promise<InstanceAnnouncer> {
    const announcer = new InstanceAnnouncer(
      await openInstanceRegistry(connection, { replicas: options.replicas ?? 1, logger: options.logger }),
      options,
    );
    await announcer.beat();
    announcer.timer = setInterval(() => {
      announcer.beating ??= announcer.beat().finally(() => (announcer.beating = null));
    }, options.heartbeatMs ?? instanceRegistry.heartbeatMs);
    announcer.timer.unref();
    return announcer;
  }

  private async beat(): Promise<void> {
    try {
      const announcement = instanceAnnouncement.parse({
        ...this.identity,
        at: Date.now(),
        health: await this.options.report(),
      });
      // A beat that was under way when the instance stopped must not announce it again.
      if (this.stopped) return;
      await this.kv.put(this.key, JSON.stringify(announcement));
      if (this.failing) this.options.logger.info('announcing this instance again');
      this.failing = false;
    } catch (error) {
      // Said once per outage: NATS being away is reported by the health checks themselves.
      if (!this.failing) this.options.logger.warn('cannot announce this instance', { error });
      this.failing = true;
    }
  }

  /** Leaves the registry: a stopped instance is gone, not silent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([
      this.beating,
      new Promise<void>((resolve) => (waited = setTimeout(resolve, STOP_WAIT_MS))),
    ]);
    clearTimeout(waited);
    await this.kv.delete(this.key).catch((error: unknown) => {
      this.options.logger.warn('cannot remove this instance from the registry', { error });
    });
  }
}
