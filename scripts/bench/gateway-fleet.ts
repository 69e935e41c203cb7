// The throughput bench's gateways: one per class, each hearing its class's
// straps. Batches follow the public contract (hrm.v1.samples.<studio>.<gateway>,
// Nats-Msg-Id <gateway>:<seq>); each athlete's samples are `stepMs` apart from
// the class's start, so every (athlete, ts) is new and inside the live window.
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { gatewaySubjects, type SampleBatchInput } from '#contracts';

export interface FleetGateway {
  studioId: string;
  gatewayId: string;
  /** The class's start (epoch ms). */
  startedAt: number;
  deviceIds: readonly string[];
}

export interface GatewayBatch {
  subject: string;
  msgId: string;
  body: string;
  samples: number;
}

/**
 * Sample `index` of a gateway (counting from 0 over its whole run) is heard
 * from athlete `index % athletes`, at its `floor(index / athletes) + 1`-th
 * tick: consecutive batches walk round the room.
 */
export function gatewayBatch(
  gateway: FleetGateway,
  seq: number,
  firstSample: number,
  size: number,
  stepMs: number,
  sentAt: number,
): GatewayBatch {
  const athletes = gateway.deviceIds.length;
  const samples: SampleBatchInput['samples'] = [];
  for (let index = firstSample; index < firstSample + size; index++) {
    const athlete = index % athletes;
    const tick = Math.floor(index / athletes) + 1;
    samples.push(strapSample(gateway, athlete, tick, gateway.startedAt + tick * stepMs));
  }
  return encodeBatch(gateway, seq, sentAt, samples);
}

type StrapSample = SampleBatchInput['samples'][number];

function strapSample(gateway: FleetGateway, athlete: number, tick: number, ts: number): StrapSample {
  // Below any athlete's max HR, so no adaptive-max event muddles the count.
  const bpm = 95 + ((tick + athlete * 7) % 40);
  return {
    deviceId: gateway.deviceIds[athlete] ?? '',
    ts,
    bpm,
    rrMs: [Math.round(60_000 / bpm)],
    contact: true,
    battery: 80,
    rssi: -60,
  };
}

function encodeBatch(
  gateway: FleetGateway,
  seq: number,
  sentAt: number,
  samples: StrapSample[],
): GatewayBatch {
  const batch: SampleBatchInput = { gatewayId: gateway.gatewayId, seq, sentAt, samples };
  return {
    subject: gatewaySubjects.samples(gateway.studioId, gateway.gatewayId),
    msgId: `${gateway.gatewayId}:${seq}`,
    body: JSON.stringify(batch),
    samples: samples.length,
  };
}

/**
 * A class's gateway in a studio: once a second it sends what it heard in that
 * second, one sample per athlete (1 Hz straps), stamped `now`: the moment it
 * publishes, so a screen's delay from `ts` is the whole pipeline's.
 */
export function liveBatch(gateway: FleetGateway, seq: number, now: number): GatewayBatch {
  const samples = gateway.deviceIds.map((_, athlete) => strapSample(gateway, athlete, seq, now));
  return encodeBatch(gateway, seq, now, samples);
}

/** Spacing of an athlete's samples so that, at the run's top rate, their timestamps never pass the clock. */
export function sampleStepMs(maxRatePerS: number, athletes: number): number {
  return Math.max(1, Math.floor((1000 * athletes) / maxRatePerS));
}

/** Round-robin over the gateways, each with its own seq and sample cursor. */
export class GatewayFleet {
  private next = 0;
  private readonly cursors: Array<{ seq: number; sample: number }>;

  constructor(
    readonly gateways: readonly FleetGateway[],
    private readonly batchSize: number,
    private readonly stepMs: number,
  ) {
    this.cursors = gateways.map(() => ({ seq: 0, sample: 0 }));
  }

  nextBatch(): GatewayBatch {
    const index = this.next;
    this.next = (this.next + 1) % this.gateways.length;
    const gateway = this.gateways[index];
    const cursor = this.cursors[index];
    if (gateway === undefined || cursor === undefined) throw new Error('a fleet needs a gateway');
    cursor.seq++;
    const batch = gatewayBatch(gateway, cursor.seq, cursor.sample, this.batchSize, this.stepMs, Date.now());
    cursor.sample += this.batchSize;
    return batch;
  }
}

/** Where a batch is published: one client for all, or each gateway's own connection. */
export type JetStreamRoute = JetStreamClient | ((batch: GatewayBatch) => JetStreamClient);

/**
 * JetStream publishes with at most `window` acknowledgements outstanding. A
 * publish that fails is retried with the same Nats-Msg-Id (a gateway's retry:
 * the stream keeps one copy), so the count of acked samples is exact.
 */
export class Publisher {
  private readonly inFlight = new Set<Promise<void>>();
  acked = 0;
  ackedSamples = 0;
  retries = 0;

  private readonly route: (batch: GatewayBatch) => JetStreamClient;

  constructor(
    js: JetStreamRoute,
    private readonly window = 256,
  ) {
    this.route = typeof js === 'function' ? js : () => js;
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Sends one batch; resolves when there is room for the next. */
  async send(batch: GatewayBatch): Promise<void> {
    const sent = this.publishWithRetry(batch).then(() => {
      this.acked++;
      this.ackedSamples += batch.samples;
      this.inFlight.delete(sent);
    });
    this.inFlight.add(sent);
    while (this.inFlight.size >= this.window) await Promise.race(this.inFlight);
  }

  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
  }

  private async publishWithRetry(batch: GatewayBatch): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const header = headers();
      header.set('Nats-Msg-Id', batch.msgId);
      try {
        await this.route(batch).publish(batch.subject, batch.body, { headers: header, timeout: 10_000 });
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
        this.retries++;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}

/**
 * Publishes `ratePerS` samples a second for `seconds`, in the fleet's batches,
 * catching up after a stall. Resolves once every batch is acked, to the
 * samples published and the time it took to publish them.
 */
export async function publishAtRate(
  fleet: GatewayFleet,
  publisher: Publisher,
  batchSize: number,
  ratePerS: number,
  seconds: number,
): Promise<{ samples: number; ms: number }> {
  const messagesPerS = ratePerS / batchSize;
  const before = publisher.ackedSamples;
  const started = performance.now();
  const ends = started + seconds * 1000;
  let sent = 0;
  for (let now = started; now < ends; now = performance.now()) {
    const due = Math.min(
      Math.ceil(((now - started) / 1000) * messagesPerS),
      Math.ceil(seconds * messagesPerS),
    );
    while (sent < due && performance.now() < ends) {
      await publisher.send(fleet.nextBatch());
      sent++;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await publisher.flush();
  return { samples: publisher.ackedSamples - before, ms: performance.now() - started };
}
