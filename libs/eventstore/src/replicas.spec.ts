// HRM_STREAM_REPLICAS: a service creates the streams and buckets with that
// many replicas, raises an existing one that has fewer (a cluster grown from
// one server keeps its log), and never lowers one that has more.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import path from 'node:path';
import { NatsCluster, NatsServer } from '#localstack';
import { openBucket } from '#platform';
import { temporaryDirectory, testLogger } from '#testing';
import { DeviceStatusStore } from './device-status-store.js';
import { EventStore } from './event-store.js';
import { defaultStreams } from './streams.js';

const replicasOf = async (jsm: JetStreamManager, stream: string) =>
  (await jsm.streams.info(stream)).config.num_replicas;

describe('stream replicas on a cluster', () => {
  const dir = temporaryDirectory('hrm-replicas');
  let cluster: NatsCluster;
  let connection: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    cluster = await NatsCluster.start({ size: 3, dataDir: path.join(dir, 'cluster') });
    connection = await connect({ servers: cluster.urls });
    jsm = await jetstreamManager(connection);
  }, 60_000);

  afterAll(async () => {
    await connection?.close();
    await cluster?.stop(true);
  });

  it('raises the log streams of a single-replica start to three, keeping what they hold', async () => {
    await (await EventStore.open(connection, { replicas: 1 })).ensureStreams();
    for (const { name } of defaultStreams) expect(await replicasOf(jsm, name)).toBe(1);
    await jetstream(connection).publish('evt.session.s_kept', '{}', { msgID: 'kept-1' });

    await (await EventStore.open(connection, { replicas: 3 })).ensureStreams();
    for (const { name } of defaultStreams) expect(await replicasOf(jsm, name)).toBe(3);
    expect((await jsm.streams.info('EVENTS')).state.messages).toBe(1);
  });

  it('never lowers them, and says so', async () => {
    const { logger, lines } = testLogger('api');
    await (await EventStore.open(connection, { replicas: 1, logger })).ensureStreams();
    for (const { name } of defaultStreams) expect(await replicasOf(jsm, name)).toBe(3);
    const warnings = lines.filter((line) => line.includes('stream keeps more replicas than configured'));
    expect(warnings).toHaveLength(defaultStreams.length);
    expect(warnings[0]).toContain('"configured":1');
  });

  it('creates a bucket with the replicas asked and raises an existing one', async () => {
    await openBucket(connection, 'r_test', { history: 1 }, { replicas: 1 });
    expect(await replicasOf(jsm, 'KV_r_test')).toBe(1);
    const kv = await openBucket(connection, 'r_test', { history: 1 }, { replicas: 3 });
    expect(await replicasOf(jsm, 'KV_r_test')).toBe(3);
    await kv.put('a', 'b');
    expect((await kv.get('a'))?.string()).toBe('b');
    await openBucket(connection, 'r_test', { history: 1 }, { replicas: 1 });
    expect(await replicasOf(jsm, 'KV_r_test')).toBe(3);

    await DeviceStatusStore.open(connection, { replicas: 3 });
    expect(await replicasOf(jsm, 'KV_device_status')).toBe(3);
  });
});

describe('stream replicas on a single server', () => {
  const dir = temporaryDirectory('hrm-replicas-single');
  let server: NatsServer;
  let connection: NatsConnection;

  beforeAll(async () => {
    server = await NatsServer.start({ dataDir: path.join(dir, 'nats') });
    connection = await connect({ servers: server.url });
  });

  afterAll(async () => {
    await connection?.close();
    await server?.stop(true);
  });

  it('refuses three replicas with the server reason, creating nothing', async () => {
    const store = await EventStore.open(connection, { replicas: 3 });
    await expect(store.ensureStreams()).rejects.toThrow(/replicas/i);
    const jsm = await jetstreamManager(connection);
    expect(await jsm.streams.names().next()).toEqual([]);
  });
});
