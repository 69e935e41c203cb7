// What NATS's auth costs (issue 16): two nats-servers of our own, alike but
// for auth, one anonymous and one with the platform's JWTs and per-user
// permissions, each with a stream and durable consumer configured like
// HRM_INGRESS and ingest's. The same load goes to each in turn, rounds
// alternating which side goes first: `gateways` gateways, each its own
// connection (on the auth side with its own credentials and inbox prefix, as a
// registered gateway connects), publish the same batches with JetStream acks
// while a consumer (on the auth side the `ingest` user) fetches and acks them
// as ingest does. Per round and side: messages a second through the stream
// and nats-server's CPU per message meanwhile (the bench's own process may be
// what bounds the rate: the CPU is the server's cost however fast it is fed),
// the publish-to-ack round trip of one gateway publishing alone, and the time
// a gateway's connect takes. Medians of the rounds; auth over none.
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstreamManager,
  jetstream,
  type Consumer,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { streams } from '#contracts';
import { NatsServer } from '#localstack';
import { prepareNatsAuth } from '#nats-auth';
import type { NatsAuthCostOptions } from './cli.js';
import { GatewayConnections } from './gateway-connections.js';
import { GatewayFleet, Publisher, type FleetGateway } from './gateway-fleet.js';
import { natsAccess, type NatsAccess } from './nats-access.js';
import { usageOf } from './proc.js';
import { delaySummary, fraction, median, type DelaySummary } from './stats.js';

export type AuthSide = 'none' | 'jwt';
export const authSides: readonly AuthSide[] = ['none', 'jwt'];

/** Ingest's defaults: INGEST_BATCH and the ingest consumer's max_ack_pending. */
const FETCH_BATCH = 256;
const MAX_ACK_PENDING = 20_000;
const CONSUMER = 'ingest';

export interface AuthRound {
  side: AuthSide;
  round: number;
  /** Gateway messages a second, from the first publish to the last ack of the consumer. */
  messagesPerS: number;
  samplesPerS: number;
  /** nats-server's CPU time per gateway message while they went through (µs). */
  serverCpuMicrosPerMessage: number;
  /** One gateway publishing alone, one message at a time: publish to JetStream's ack (µs). */
  ackMicros: DelaySummary;
  /** Median time a gateway's connection took to open (ms): the server verifies its JWT then. */
  connectMs: number;
}

export interface AuthSideFigures {
  side: AuthSide;
  messagesPerS: number;
  samplesPerS: number;
  serverCpuMicrosPerMessage: number;
  ackP50Micros: number;
  ackP99Micros: number;
  connectMs: number;
}

export interface NatsAuthCostResult {
  nats: string;
  gateways: number;
  rounds: AuthRound[];
  /** Medians of the rounds, by side. */
  sides: AuthSideFigures[];
  /** JWT over none, by medians: throughput (below 1 is a cost) and ack round trip (above 1 is a cost). */
  throughputRatio: number | null;
  serverCpuRatio: number | null;
  ackP50Ratio: number | null;
  ackP99Ratio: number | null;
  connectRatio: number | null;
}

interface Side {
  side: AuthSide;
  server: NatsServer;
  access: NatsAccess;
  gateways: GatewayConnections;
  fleet: GatewayFleet;
  consumerConnection: NatsConnection;
  consumer: Consumer;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Gateways of made-up studios: the stream takes any well-formed subject, nothing reads the bodies. */
function benchGateways(count: number, athletes: number): FleetGateway[] {
  const startedAt = Date.now();
  return Array.from({ length: count }, (_, index) => ({
    studioId: `st_auth${index % 10}`,
    gatewayId: `gw-auth-${index + 1}`,
    startedAt,
    deviceIds: Array.from({ length: athletes }, (_, athlete) => `ant:120:${index * 100 + athlete}`),
  }));
}

async function startSide(
  side: AuthSide,
  dir: string,
  gateways: FleetGateway[],
  options: NatsAuthCostOptions,
): Promise<Side> {
  const auth = side === 'jwt' ? await prepareNatsAuth(path.join(dir, `${side}-auth`)) : null;
  const server = await NatsServer.start({
    dataDir: path.join(dir, `${side}-nats`),
    ...(auth && { auth: auth.serverConfig }),
  });
  const access = natsAccess(server.url, auth);
  const admin = await access.connect('tools', 'hrm-bench-auth-admin');
  try {
    const jsm = await jetstreamManager(admin);
    await jsm.streams.add({
      name: streams.ingress.name,
      subjects: [...streams.ingress.subjects],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: streams.ingress.maxAgeMs * 1_000_000,
      max_msg_size: 128 * 1024,
      duplicate_window: 2 * 60 * 1_000_000_000,
      num_replicas: 1,
    });
    await jsm.consumers.add(streams.ingress.name, {
      durable_name: CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: 30_000_000_000,
      max_ack_pending: MAX_ACK_PENDING,
      filter_subject: 'hrm.v1.samples.>',
    });
  } finally {
    await admin.close();
  }
  const consumerConnection = await access.connect('ingest', 'hrm-bench-auth-ingest');
  const consumer = await jetstream(consumerConnection).consumers.get(streams.ingress.name, CONSUMER);
  return {
    side,
    server,
    access,
    gateways: await GatewayConnections.open(access, gateways),
    fleet: new GatewayFleet(gateways, options.batch, 1000),
    consumerConnection,
    consumer,
  };
}

async function stopSide(side: Side): Promise<void> {
  await side.gateways.close();
  await side.consumerConnection.close().catch(() => undefined);
  await side.server.stop();
}

/** `messages` gateway batches through the stream and the consumer; messages and samples a second. */
async function throughputOf(
  side: Side,
  messages: number,
): Promise<{ messagesPerS: number; samplesPerS: number; serverCpuMicrosPerMessage: number }> {
  const publisher = new Publisher(side.gateways.route);
  let consumed = 0;
  let samples = 0;
  const serverCpuS = () => usageOf(side.server.pid ?? -1)?.cpuS ?? Number.NaN;
  const cpuBefore = serverCpuS();
  const started = performance.now();
  const consuming = (async () => {
    while (consumed < messages) {
      const batch = await side.consumer.fetch({ max_messages: FETCH_BATCH, expires: 1000 });
      for await (const message of batch) {
        message.ack();
        consumed++;
        if (consumed >= messages) batch.stop();
      }
    }
  })();
  for (let sent = 0; sent < messages; sent++) {
    const batch = side.fleet.nextBatch();
    samples += batch.samples;
    await publisher.send(batch);
  }
  await publisher.flush();
  await consuming;
  const seconds = (performance.now() - started) / 1000;
  const cpuMicros = (serverCpuS() - cpuBefore) * 1_000_000;
  return {
    messagesPerS: Math.round(messages / seconds),
    samplesPerS: Math.round(samples / seconds),
    serverCpuMicrosPerMessage: Math.round((cpuMicros / messages) * 10) / 10,
  };
}

/** One gateway alone, one publish at a time: the round trip to JetStream's ack (µs). */
async function ackRoundTrips(side: Side, count: number): Promise<DelaySummary> {
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    const batch = side.fleet.nextBatch();
    const js = side.gateways.route(batch);
    const header = headers();
    header.set('Nats-Msg-Id', batch.msgId);
    const started = performance.now();
    await js.publish(batch.subject, batch.body, { headers: header });
    times.push((performance.now() - started) * 1000);
  }
  return delaySummary(times);
}

/** Opens and closes connections of a gateway, one at a time; the median time to open one (ms). */
async function connectTimes(side: Side, gateway: FleetGateway, count: number): Promise<number> {
  const options = await side.access.gatewayOptions(gateway.studioId, gateway.gatewayId);
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    const connection = await connect(options);
    times.push(performance.now() - started);
    await connection.close();
  }
  return Math.round(median(times) * 100) / 100;
}

function sideFigures(side: AuthSide, rounds: AuthRound[]): AuthSideFigures {
  const mine = rounds.filter((round) => round.side === side);
  return {
    side,
    messagesPerS: Math.round(median(mine.map((round) => round.messagesPerS))),
    samplesPerS: Math.round(median(mine.map((round) => round.samplesPerS))),
    serverCpuMicrosPerMessage:
      Math.round(median(mine.map((round) => round.serverCpuMicrosPerMessage)) * 10) / 10,
    ackP50Micros: Math.round(median(mine.map((round) => round.ackMicros.p50))),
    ackP99Micros: Math.round(median(mine.map((round) => round.ackMicros.p99))),
    connectMs: Math.round(median(mine.map((round) => round.connectMs)) * 100) / 100,
  };
}

export async function runNatsAuthCost(
  options: NatsAuthCostOptions,
  progress: (line: string) => void,
): Promise<NatsAuthCostResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-bench-auth-'));
  const gateways = benchGateways(options.gateways, options.batch);
  const started: Side[] = [];
  try {
    for (const side of authSides) {
      started.push(await startSide(side, dir, gateways, options));
      progress(`${side}: nats-server up, ${gateways.length} gateways connected`);
    }
    const firstGateway = gateways[0];
    if (firstGateway === undefined) throw new Error('no gateway');
    // A warm-up on each side: JIT, the stream's first blocks, the servers' caches.
    for (const side of started) await throughputOf(side, Math.min(options.messages, 2000));
    const rounds: AuthRound[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const order = round % 2 === 1 ? started : [...started].reverse();
      for (const side of order) {
        const { messagesPerS, samplesPerS, serverCpuMicrosPerMessage } = await throughputOf(
          side,
          options.messages,
        );
        const ackMicros = await ackRoundTrips(side, options.acks);
        const connectMs = await connectTimes(side, firstGateway, options.connects);
        rounds.push({
          side: side.side,
          round,
          messagesPerS,
          samplesPerS,
          serverCpuMicrosPerMessage,
          ackMicros,
          connectMs,
        });
        progress(
          `round ${round}, ${side.side}: ${messagesPerS} messages/s, server ${serverCpuMicrosPerMessage} µs CPU/message, ack p50 ${ackMicros.p50} µs ` +
            `p99 ${ackMicros.p99} µs, connect ${connectMs} ms`,
        );
        await sleep(500);
      }
    }
    const sides = authSides.map((side) => sideFigures(side, rounds));
    const [none, jwt] = sides;
    if (none === undefined || jwt === undefined) throw new Error('a side has no figures');
    return {
      nats: started[0]?.gateways.version ?? 'unknown',
      gateways: gateways.length,
      rounds,
      sides,
      throughputRatio: fraction(jwt.messagesPerS, none.messagesPerS),
      serverCpuRatio: fraction(jwt.serverCpuMicrosPerMessage, none.serverCpuMicrosPerMessage),
      ackP50Ratio: fraction(jwt.ackP50Micros, none.ackP50Micros),
      ackP99Ratio: fraction(jwt.ackP99Micros, none.ackP99Micros),
      connectRatio: fraction(jwt.connectMs, none.connectMs),
    };
  } finally {
    for (const side of started) await stopSide(side);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
