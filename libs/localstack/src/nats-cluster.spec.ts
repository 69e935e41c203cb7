import { afterAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import path from 'node:path';
import { NatsCluster } from './index.js';
import { temporaryDirectory } from '#testing';

describe('a local JetStream cluster', () => {
  const dir = temporaryDirectory('hrm-nats-cluster');
  let cluster: NatsCluster | null = null;
  let connection: NatsConnection | null = null;
  afterAll(async () => {
    await connection?.close();
    await cluster?.stop(true);
  });

  it('keeps an R3 stream writable and every acked message when its leader is killed', async () => {
    cluster = await NatsCluster.start({ size: 3, dataDir: path.join(dir, 'c') });
    expect(cluster.names()).toEqual(['nats-1', 'nats-2', 'nats-3']);
    expect(await cluster.metaLeader()).toMatch(/^nats-[123]$/);
    connection = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    const jsm = await jetstreamManager(connection);
    const created = await jsm.streams.add({ name: 'R3', subjects: ['r3.>'], num_replicas: 3 });
    expect(created.config.num_replicas).toBe(3);
    const js = jetstream(connection, { timeout: 5_000 });
    for (let n = 0; n < 50; n++) await js.publish('r3.a', String(n), { msgID: `m${n}` });

    const leader = (await jsm.streams.info('R3')).cluster?.leader;
    expect(leader).toMatch(/^nats-[123]$/);
    await cluster.stopNode(leader ?? '', true);
    // Published again after the loss, with the same ids: a retry after a lost ack is not stored twice.
    for (let n = 40; n < 100; n++) {
      await retry(() => js.publish('r3.a', String(n), { msgID: `m${n}` }));
    }
    const after = await retry(() => jsm.streams.info('R3'));
    expect(after.state.messages).toBe(100);
    expect(after.cluster?.leader).not.toBe(leader);

    await cluster.startNode(leader ?? '');
    await cluster.ready();
    const back = await retry(async () => {
      const info = await jsm.streams.info('R3');
      const replicas = info.cluster?.replicas ?? [];
      if (replicas.length !== 2 || replicas.some((replica) => !replica.current))
        throw new Error('catching up');
      return info;
    });
    expect(back.state.messages).toBe(100);
  });
});

/** Until it works, for up to 20 s: a cluster that lost a node answers again once it has a new leader. */
async function retry<T>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
