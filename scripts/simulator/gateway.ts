// A fake HRM gateway on NATS: one sample batch per tick, a status every few
// seconds, exactly as public contract 1 describes. Everything is validated with
// the contract's schemas before it is published, so a simulator bug shows up
// here and never as bad data downstream.
import { headers, type NatsConnection } from '@nats-io/transport-node';
import {
  GATEWAY_MAX_BYTES,
  gatewayStatus,
  gatewaySubjects,
  sampleBatch,
  subjectToken,
  type SampleBatchInput,
} from '#contracts';
import type { ClassPlan } from './athlete-curve.js';
import { GatewayModel, type GatewaySnapshot, type GatewayStatusInput } from './gateway-model.js';

export interface SimulatedGatewayOptions {
  nc: NatsConnection;
  studioId: string;
  gatewayId: string;
  /** How many straps; may be left out when `deviceIds` names them. */
  athletes?: number;
  /** The straps' ids; generated `ant:120:<5 digits>` ids when left out. */
  deviceIds?: readonly string[];
  /** Period of the sample batches; 1000 by default. */
  tickMs?: number;
  /** Period of the status messages; 5000 by default. */
  statusEveryMs?: number;
  seed?: number;
  plan?: ClassPlan;
  dropoutPerS?: number;
  /**
   * First `seq`. Defaults to the start time in epoch ms: a restarted simulator
   * then never reuses a `Nats-Msg-Id` that JetStream's dedupe window still holds.
   */
  firstSeq?: number;
  now?: () => number;
  onStatus?: (published: StatusPublished) => void;
  /** A batch that failed validation or could not be published; the gateway has stopped. */
  onError?: (error: Error) => void;
}

export interface GatewayStats {
  batches: number;
  samples: number;
  statuses: number;
  lastSeq: number | null;
}

export interface StatusPublished {
  subject: string;
  status: GatewayStatusInput;
  stats: GatewayStats;
}

export class SimulatedGateway {
  readonly studioId: string;
  readonly gatewayId: string;
  private readonly nc: NatsConnection;
  private readonly model: GatewayModel;
  private readonly statusEveryMs: number;
  private readonly now: () => number;
  private readonly onStatus: (published: StatusPublished) => void;
  private readonly onError: (error: Error) => void;
  private readonly counters: GatewayStats = { batches: 0, samples: 0, statuses: 0, lastSeq: null };
  private timers: NodeJS.Timeout[] = [];

  constructor(options: SimulatedGatewayOptions) {
    this.studioId = subjectToken.parse(options.studioId);
    this.gatewayId = subjectToken.parse(options.gatewayId);
    this.nc = options.nc;
    this.now = options.now ?? Date.now;
    this.statusEveryMs = options.statusEveryMs ?? 5000;
    this.onStatus = options.onStatus ?? (() => undefined);
    this.onError =
      options.onError ??
      ((error) => {
        throw error;
      });
    this.model = new GatewayModel({
      gatewayId: this.gatewayId,
      athletes: options.athletes,
      deviceIds: options.deviceIds,
      seed: options.seed,
      tickMs: options.tickMs ?? 1000,
      plan: options.plan,
      dropoutPerS: options.dropoutPerS,
      firstSeq: options.firstSeq ?? this.now(),
    });
  }

  deviceIds(): string[] {
    return this.model.deviceIds();
  }

  /** The simulated class as of the latest tick: phase and every strap's reading. */
  snapshot(): GatewaySnapshot {
    return this.model.snapshot();
  }

  stats(): GatewayStats {
    return { ...this.counters };
  }

  get running(): boolean {
    return this.timers.length > 0;
  }

  start(): void {
    if (this.running) return;
    this.timers = [
      setInterval(() => this.guarded(() => this.publishTick()), this.model.tickMs),
      setInterval(() => this.guarded(() => this.publishStatus()), this.statusEveryMs),
    ];
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** Builds, validates and publishes the batches of one tick. */
  publishTick(): void {
    const subject = gatewaySubjects.samples(this.studioId, this.gatewayId);
    for (const batch of this.model.tick(this.now())) {
      const payload = this.encodeBatch(batch);
      const msgHeaders = headers();
      msgHeaders.set('Nats-Msg-Id', `${this.gatewayId}:${batch.seq}`);
      this.nc.publish(subject, payload, { headers: msgHeaders });
      this.counters.batches += 1;
      this.counters.samples += batch.samples.length;
      this.counters.lastSeq = batch.seq;
    }
  }

  publishStatus(): void {
    const subject = gatewaySubjects.status(this.studioId, this.gatewayId);
    const status = this.model.status(this.now());
    gatewayStatus.parse(status);
    this.nc.publish(subject, JSON.stringify(status));
    this.counters.statuses += 1;
    this.onStatus({ subject, status, stats: this.stats() });
  }

  private encodeBatch(batch: SampleBatchInput): string {
    sampleBatch.parse(batch);
    const payload = JSON.stringify(batch);
    const bytes = Buffer.byteLength(payload);
    if (bytes > GATEWAY_MAX_BYTES)
      throw new RangeError(`batch ${batch.seq} is ${bytes} bytes, over the limit`);
    return payload;
  }

  private guarded(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.stop();
      this.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
