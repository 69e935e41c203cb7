// No data loss across crashes of the parts underneath: NATS, Postgres and the
// API's projector are each SIGKILLed and restarted while a gateway publishes;
// history ends with every accepted sample exactly once, and a screen that
// stayed, /summary and the HR stream's events count each once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { eventually, sleep, startTestStack, TEST_ADMIN_TOKEN, type TestStack } from '#testing';
import { expectCountedOnce } from './support/counted-once.js';
import { TestGateway } from './support/gateway.js';
import { setUpLiveClass, type LiveClass } from './support/live-class.js';
import { connected, liveSocket, Screen } from './support/screen.js';

const devices = Array.from({ length: 5 }, (_, index) => `ant:120:3000${index}`);
const BATCHES = 240;
/** The test's connections ride out NATS's restart, as the services' do. */
const reconnectForever = { maxReconnectAttempts: -1, reconnectTimeWait: 100 };

describe('NATS, Postgres and the projector crash mid-stream', () => {
  let stack: TestStack;
  let nats: NatsConnection;
  let live: LiveClass;
  let screen: Screen;

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest', 'realtime'], {
      env: { INGEST_ACK_WAIT_MS: '2000' },
      ownPostgres: true,
    });
    nats = await stack.connectNats(undefined, reconnectForever);
    live = await setUpLiveClass(stack, devices);
    screen = new Screen(liveSocket(stack.realtimeUrl, TEST_ADMIN_TOKEN, true), live.sessionId);
    await connected(screen.socket);
    await screen.subscribe();
  }, 120_000);

  afterAll(async () => {
    screen?.socket.close();
    await nats?.close();
    await stack?.stop();
  });

  async function storedCount(): Promise<number | undefined> {
    const client = new pg.Client({ connectionString: stack.databaseUrl });
    try {
      await client.connect();
      const result = await client.query<{ n: string }>('SELECT count(*) AS n FROM hr_samples');
      return Number(result.rows[0]?.n ?? 0);
    } catch {
      return undefined; // Postgres is down right now
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  it('stores every accepted sample exactly once', async () => {
    const gateway = await TestGateway.connect(stack, live.studioId, 'gw-crash', reconnectForever);
    const start = Date.now();
    let sent = 0;
    const publishing = (async () => {
      for (let batch = 0; batch < BATCHES; batch++) {
        // A real gateway buffers and retries until JetStream acknowledges: only then is the batch accepted.
        await eventually(
          async () => {
            await gateway.publish(
              start + batch * 1000,
              devices,
              (_device, index) => 100 + ((batch * 3 + index) % 70),
              batch,
            );
            return true;
          },
          `batch ${batch} to be accepted`,
          30_000,
          100,
        );
        sent = batch + 1;
        await sleep(10);
      }
    })();

    await eventually(() => (sent >= 60 ? true : undefined), 'a quarter of the batches');
    await stack.nats.restart(true);
    await eventually(() => (sent >= 120 ? true : undefined), 'half of the batches', 30_000);
    await stack.postgres?.kill();
    await sleep(1000);
    await stack.postgres?.restart();
    await eventually(() => (sent >= 180 ? true : undefined), 'three quarters of the batches', 30_000);
    const api = stack.service('api');
    await api.stop(true);
    await api.start();
    await publishing;

    const expected = BATCHES * devices.length;
    await eventually(
      async () => ((await storedCount()) === expected ? true : undefined),
      `${expected} samples in history`,
      60_000,
    ).catch(async (error: unknown) => {
      const jsm = await jetstreamManager(nats);
      const consumers = [];
      for (const [stream, name] of [
        ['HRM_INGRESS', 'ingest'],
        ['HR', 'api-heart-rate'],
      ] as const) {
        const info = await jsm.consumers.info(stream, name);
        consumers.push({
          name,
          pending: info.num_pending,
          ackPending: info.num_ack_pending,
          delivered: info.delivered,
          ackFloor: info.ack_floor,
          waiting: info.num_waiting,
        });
      }
      const hr = await jsm.streams.info('HR');
      throw new Error(
        `${String(error)}; history has ${await storedCount()}; HR stream has ${hr.state.messages}; ${JSON.stringify(consumers)}`,
      );
    });
    await sleep(3000);
    expect(await storedCount()).toBe(expected);
    // hr_samples' key forbids a second row; what else a restart could double must not double either.
    await expectCountedOnce(stack, live, screen, { acked: expected, lastTs: start + (BATCHES - 1) * 1000 });
  }, 180_000);
});
