// Gathers what GET /api/v1/admin/health shows, each part bounded in time so a
// hung NATS or Postgres makes the answer say so instead of never coming:
// the instances from the registry every service announces itself in
// (libs/platform/src/announce.ts), NATS's streams and durable consumers,
// a round trip to Postgres, and each projection's checkpoint against its stream.
import { Inject, Injectable } from '@nestjs/common';
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  type ConsumerHealth,
  type InstanceAnnouncement,
  type NatsHealth,
  type PlatformHealth,
  type PostgresHealth,
  type ProjectionHealth,
  type StreamHealth,
} from '#contracts';
import type { Db } from '#db';
import { EventStore, type Projection } from '#eventstore';
import { openInstanceRegistry, registeredInstances } from '#platform';
import { apiProjections } from '../projections/projector.js';
import { DB, NATS } from '../injection.js';
import { assessHealth, servicesHealthOf } from './health-assessment.js';

/** How long each part may take to answer before it counts as down. */
export const PART_TIMEOUT_MS = 2_000;

const NS_PER_MS = 1_000_000;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The work's result, or a rejection when it takes longer than `ms`. */
function within<T>(work: Promise<T>, ms = PART_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

@Injectable()
export class PlatformHealthProbe {
  private registry: Promise<KV> | null = null;

  constructor(
    @Inject(NATS) private readonly nats: NatsConnection,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DB) private readonly db: Db,
  ) {}

  async check(projections: readonly Projection[] = apiProjections): Promise<PlatformHealth> {
    const [announcements, nats, postgres, positions] = await Promise.all([
      this.announcements().catch(() => null),
      this.natsHealth(),
      this.postgresHealth(),
      this.projectionPositions(projections),
    ]);
    const checkedAt = Date.now();
    const projectionHealth = await Promise.all(
      projections.map((projection) => this.projectionHealth(projection, positions)),
    );
    return assessHealth(
      { services: servicesHealthOf(announcements, checkedAt), nats, postgres, projections: projectionHealth },
      checkedAt,
    );
  }

  /** Every instance's last announcement, once each. */
  private async announcements(): Promise<InstanceAnnouncement[]> {
    const registry = await within(this.openRegistry());
    return within(registeredInstances(this.store.jsm, registry));
  }

  private openRegistry(): Promise<KV> {
    this.registry ??= openInstanceRegistry(this.nats, this.store.replication).catch((error: unknown) => {
      this.registry = null;
      throw error;
    });
    return this.registry;
  }

  private async natsHealth(): Promise<NatsHealth> {
    const info = this.nats.info;
    const server = info
      ? { version: info.version, name: info.server_name === info.server_id ? null : info.server_name }
      : null;
    try {
      if (this.nats.isClosed()) throw new Error('the connection is closed');
      const rttMs = await within(this.nats.rtt());
      const { streams, consumers } = await within(this.jetStreamState());
      return { status: 'up', server, rttMs, streams, consumers };
    } catch (error) {
      return { status: 'down', reason: messageOf(error), server, rttMs: null, streams: [], consumers: [] };
    }
  }

  private async jetStreamState(): Promise<{ streams: StreamHealth[]; consumers: ConsumerHealth[] }> {
    const { jsm } = this.store;
    const infos = (await collect(jsm.streams.list())).sort((a, b) =>
      a.config.name.localeCompare(b.config.name),
    );
    const streams = infos.map(({ config, state }) => ({
      name: config.name,
      messages: state.messages,
      bytes: state.bytes,
      firstSeq: state.first_seq,
      lastSeq: state.last_seq,
      consumers: state.consumer_count,
    }));
    const perStream = await Promise.all(
      infos.map(async ({ config }) => collect(jsm.consumers.list(config.name))),
    );
    const consumers = perStream
      .flat()
      .filter((consumer) => consumer.config.durable_name !== undefined)
      .map((consumer) => ({
        stream: consumer.stream_name,
        name: consumer.name,
        filterSubject: consumer.config.filter_subject ?? null,
        pending: consumer.num_pending,
        ackPending: consumer.num_ack_pending,
        redelivered: consumer.num_redelivered,
        waiting: consumer.num_waiting,
      }))
      .sort((a, b) => `${a.stream}/${a.name}`.localeCompare(`${b.stream}/${b.name}`));
    return { streams, consumers };
  }

  private async postgresHealth(): Promise<PostgresHealth> {
    const started = performance.now();
    try {
      await within(this.db.$queryRaw`SELECT 1`);
      return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      return { status: 'down', reason: messageOf(error), latencyMs: null };
    }
  }

  /** Each projection's checkpoint and parked count, or null for both when Postgres does not answer. */
  private async projectionPositions(
    projections: readonly Projection[],
  ): Promise<Map<string, { position: number; parked: number }> | null> {
    try {
      return await within(
        (async () => {
          const names = projections.map(({ name }) => name);
          const [checkpoints, parked] = await Promise.all([
            this.db.projectionCheckpoint.findMany({ where: { name: { in: names } } }),
            Promise.all(
              names.map((projection) =>
                this.db.projectionFailure.count({ where: { projection, resolvedAt: null } }),
              ),
            ),
          ]);
          return new Map(
            names.map((name, index) => [
              name,
              {
                position: Number(checkpoints.find((row) => row.name === name)?.position ?? 0n),
                parked: parked[index] ?? 0,
              },
            ]),
          );
        })(),
      );
    } catch {
      return null;
    }
  }

  private async projectionHealth(
    projection: Projection,
    positions: Map<string, { position: number; parked: number }> | null,
  ): Promise<ProjectionHealth> {
    const known = positions?.get(projection.name) ?? null;
    const [lastSeq, behind] = await Promise.all([
      within(this.store.lastSequenceOf(projection.stream, projection.filterSubject)).catch(() => null),
      known === null
        ? Promise.resolve(null)
        : within(this.pendingAfter(projection, known.position)).catch(() => null),
    ]);
    return {
      name: projection.name,
      stream: projection.stream,
      filterSubject: projection.filterSubject,
      position: known?.position ?? null,
      lastSeq,
      behind,
      parked: known?.parked ?? null,
    };
  }

  /**
   * Events of the projection's filter after `position`: counted by JetStream for a
   * short-lived consumer that starts there (the stream's other subjects interleave,
   * so the difference of sequences would overstate it).
   */
  private async pendingAfter(projection: Projection, position: number): Promise<number> {
    const { jsm } = this.store;
    const consumer = await jsm.consumers.add(projection.stream, {
      filter_subject: projection.filterSubject,
      ack_policy: AckPolicy.None,
      ...(position === 0
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 }),
      mem_storage: true,
      num_replicas: 1,
      // Removed below; if this process dies first, the server removes it soon after.
      inactive_threshold: 10_000 * NS_PER_MS,
    });
    await jsm.consumers.delete(projection.stream, consumer.name).catch(() => undefined);
    return consumer.num_pending;
  }
}
