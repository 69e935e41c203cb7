// A gateway with an offline buffer, as docs/contracts/gateway.md asks of one:
// each batch is published with a JetStream ack and sent again, with the same
// Nats-Msg-Id and body, until JetStream acknowledges it. Only an acked batch
// counts as accepted. It connects as a registered gateway does: with its own
// credentials (its two subjects, nothing else) and its inbox prefix.
import { jetstream } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { gatewaySubjects, type SampleBatchInput } from '#contracts';
import { gatewayInboxPrefix, gatewayUserCreds } from '#nats-auth';
import { sleep, type TestStack } from '#testing';
import { createRng } from '../simulator/random.js';

export interface LoadResult {
  /** Batches and samples JetStream acknowledged. */
  batches: number;
  acked: number;
  /** Publishes that failed and were retried (NATS down, no ack in time). */
  retries: number;
  /** Each athlete's last acked timestamp, by device. */
  lastTs: Map<string, number>;
}

export interface AckedGateway {
  /** Publishes until `stop()`, one batch every `intervalMs`. */
  readonly done: Promise<LoadResult>;
  /** Batches acked so far (read while loading). */
  ackedBatches(): number;
  stop(): void;
}

/** How a gateway of the stack connects: fresh credentials of its own, as the API issues them. */
export async function gatewayConnectOptions(
  stack: TestStack,
  studioId: string,
  gatewayId: string,
): Promise<NodeConnectionOptions> {
  const { account, accountSigner } = stack.natsAuth.authority;
  const { creds } = await gatewayUserCreds(account.getPublicKey(), accountSigner, studioId, gatewayId);
  return { ...stack.natsOptions(creds), inboxPrefix: gatewayInboxPrefix(studioId, gatewayId) };
}

export async function startAckedGateway(options: {
  /** The gateway's connection options (gatewayConnectOptions). */
  nats: NodeConnectionOptions;
  studioId: string;
  gatewayId: string;
  devices: readonly string[];
  intervalMs: number;
  seed: number;
}): Promise<AckedGateway> {
  const connection: NatsConnection = await connect({
    ...options.nats,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
  });
  const js = jetstream(connection);
  const rng = createRng(options.seed);
  const subject = gatewaySubjects.samples(options.studioId, options.gatewayId);
  let stopped = false;
  let batches = 0;
  const result: LoadResult = { batches: 0, acked: 0, retries: 0, lastTs: new Map() };
  const bpm = options.devices.map(() => 110 + Math.round(rng.next() * 40));

  const publishUntilAcked = async (body: string, msgId: string) => {
    for (;;) {
      try {
        const header = headers();
        header.set('Nats-Msg-Id', msgId);
        await js.publish(subject, body, { headers: header, timeout: 2000 });
        return;
      } catch {
        result.retries++;
        await sleep(100);
      }
    }
  };

  const run = async (): Promise<LoadResult> => {
    let lastTs = 0;
    let next = Date.now();
    for (let seq = 1; !stopped; seq++) {
      // Never ahead of the clock: ingest refuses samples from the future.
      const ts = Math.max(Date.now(), lastTs + 1);
      lastTs = ts;
      const batch: SampleBatchInput = {
        gatewayId: options.gatewayId,
        seq,
        sentAt: ts,
        samples: options.devices.map((deviceId, index) => {
          bpm[index] = Math.min(185, Math.max(95, (bpm[index] ?? 130) + Math.round(rng.normal() * 3)));
          return { deviceId, ts, bpm: bpm[index] ?? 130, contact: true, battery: 80 };
        }),
      };
      await publishUntilAcked(JSON.stringify(batch), `${options.gatewayId}:${seq}`);
      batches++;
      result.batches = batches;
      result.acked += options.devices.length;
      for (const deviceId of options.devices) result.lastTs.set(deviceId, ts);
      next += options.intervalMs;
      await sleep(Math.max(0, next - Date.now()));
    }
    await connection.close();
    return result;
  };
  const done = run();
  return {
    done,
    ackedBatches: () => batches,
    stop: () => {
      stopped = true;
    },
  };
}
