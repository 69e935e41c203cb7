// No data loss: ingest is SIGKILLed in the middle of a stream of samples and
// started again; history ends with every published sample exactly once, and a
// screen that stayed, /summary and the HR stream's events count each once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { eventually, sleep, startTestStack, TEST_ADMIN_TOKEN, type TestStack } from '#testing';
import { expectCountedOnce } from './support/counted-once.js';
import { TestGateway } from './support/gateway.js';
import { setUpLiveClass, type LiveClass } from './support/live-class.js';
import { connected, liveSocket, Screen } from './support/screen.js';

const devices = Array.from({ length: 6 }, (_, index) => `ant:120:2000${index}`);
const BATCHES = 400;
/** Batches the gateway sends twice, the second time under a new message id (batch % 50 === 7). */
const RESENT_BATCHES = 8;

describe('ingest killed mid-stream', () => {
  let stack: TestStack;
  let live: LiveClass;
  let db: pg.Client;
  let screen: Screen;

  beforeAll(async () => {
    stack = await startTestStack(['api', 'ingest', 'realtime'], {
      env: { INGEST_ACK_WAIT_MS: '2000', INGEST_BATCH: '16' },
    });
    live = await setUpLiveClass(stack, devices);
    db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    screen = new Screen(liveSocket(stack.realtimeUrl, TEST_ADMIN_TOKEN, true), live.sessionId);
    await connected(screen.socket);
    await screen.subscribe();
  }, 120_000);

  afterAll(async () => {
    screen?.socket.close();
    await db?.end();
    await stack?.stop();
  });

  const storedCount = async () =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM hr_samples')).rows[0]?.n ?? 0);

  it('stores every sample exactly once across a crash and restart', async () => {
    const gateway = await TestGateway.connect(stack, live.studioId, 'gw-kill');
    const start = Date.now();
    const publishing = (async () => {
      for (let batch = 0; batch < BATCHES; batch++) {
        await gateway.publish(start + batch * 1000, devices, (_device, index) => 90 + ((batch + index) % 80));
        // A gateway that resends what it already sent, under a new message id: still counted once.
        if (batch % 50 === 7)
          await gateway.publish(
            start + batch * 1000,
            devices,
            (_device, index) => 90 + ((batch + index) % 80),
          );
      }
    })();

    const ingest = stack.service('ingest');
    await eventually(
      async () => ((await storedCount()) > 200 ? true : undefined),
      'ingest to store its first samples',
    );
    await ingest.stop(true);
    const atCrash = await storedCount();
    expect(atCrash).toBeLessThan(BATCHES * devices.length);
    await sleep(500);
    await ingest.start();
    await publishing;

    const expected = BATCHES * devices.length;
    await eventually(
      async () => ((await storedCount()) >= expected ? true : undefined),
      `${expected} samples in history`,
      60_000,
    );
    // Redeliveries of the batch in flight at the crash must not add anything, even after ack_wait.
    await sleep(3000);
    expect(await storedCount()).toBe(expected);
    const perAthlete = await db.query<{ participant_id: string; n: string; distinct_ts: string }>(
      'SELECT participant_id, count(*) AS n, count(DISTINCT ts) AS distinct_ts FROM hr_samples GROUP BY participant_id',
    );
    expect(perAthlete.rows).toHaveLength(devices.length);
    for (const row of perAthlete.rows) {
      expect(Number(row.n)).toBe(BATCHES);
      expect(Number(row.distinct_ts)).toBe(BATCHES);
    }
    // hr_samples' key forbids a second row; what else a redelivery could double must not double either.
    await expectCountedOnce(stack, live, screen, {
      acked: expected,
      lastTs: start + (BATCHES - 1) * 1000,
      resent: devices.length * RESENT_BATCHES,
    });
  }, 120_000);
});
