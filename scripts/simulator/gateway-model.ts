// What a gateway in the room hears from its straps, turned into the messages
// of public contract 1. No I/O: `SimulatedGateway` publishes what this builds.
import type { z } from 'zod';
import type { gatewayStatus, SampleBatchInput } from '#contracts';
import {
  AthleteCurve,
  classPhaseAt,
  defaultClassPlan,
  type ClassPlan,
  type PhaseAt,
} from './athlete-curve.js';
import { createRng, hashString, type Rng } from './random.js';

export type GatewayStatusInput = z.input<typeof gatewayStatus>;
type SampleInput = SampleBatchInput['samples'][number];

/** Keeps a batch well under the 64 KiB contract limit (a sample is about 160 bytes). */
export const SAMPLES_PER_BATCH = 200;
export const SIMULATOR_VERSION = 'hrm-simulator/0.1.0';

/** ANT+ heart-rate device (type 120) with a 5-digit number, stable per gateway and athlete index. */
export function deviceIdFor(gatewayId: string, index: number): string {
  // 7919 is prime and coprime with 90000, so the numbers stay distinct for every index below 90000.
  const number = 10000 + ((hashString(gatewayId) + index * 7919) % 90000);
  return `ant:120:${number}`;
}

/** At most this many straps on one gateway. */
export const MAX_STRAPS = 500;

export interface GatewayModelOptions {
  gatewayId: string;
  /** How many straps; may be left out when `deviceIds` names them. */
  athletes?: number;
  /** The straps' ids, one athlete each; `ant:120:<5 digits>` from `deviceIdFor` when left out. */
  deviceIds?: readonly string[];
  /** Defaults to a hash of the gateway id: reproducible, yet two gateways differ. */
  seed?: number;
  tickMs?: number;
  plan?: ClassPlan;
  /** Chance per athlete and second that a dropout starts. */
  dropoutPerS?: number;
  firstSeq?: number;
}

interface Device {
  deviceId: string;
  curve: AthleteCurve;
  lastSeen: number | null;
  battery: number | null;
  rssi: number | null;
  /** What the strap sent in the latest tick; null when it was silent or before the first tick. */
  latest: { bpm: number; contact: boolean } | null;
}

/** One strap as of the latest tick. */
export interface StrapSnapshot {
  deviceId: string;
  /** The simulated athlete's own max HR (the platform uses the athlete's profile instead). */
  maxHr: number;
  latest: { bpm: number; contact: boolean } | null;
}

/** Where the simulated class is: the plan's phase and every strap's latest reading. */
export interface GatewaySnapshot {
  elapsedS: number;
  phase: PhaseAt;
  straps: StrapSnapshot[];
}

/** The strap ids, checked: one to MAX_STRAPS, none twice. */
function strapIds(options: GatewayModelOptions): string[] {
  const { gatewayId, athletes, deviceIds } = options;
  if (deviceIds !== undefined) {
    if (athletes !== undefined && athletes !== deviceIds.length) {
      throw new RangeError(`athletes is ${athletes} but ${deviceIds.length} device ids are given`);
    }
    const twice = deviceIds.find((id, index) => deviceIds.indexOf(id) !== index);
    if (twice !== undefined) throw new RangeError(`device id ${twice} is given twice`);
  }
  const count = deviceIds?.length ?? athletes ?? 0;
  if (!Number.isInteger(count) || count < 1 || count > MAX_STRAPS) {
    throw new RangeError(`athletes must be an integer in 1..${MAX_STRAPS}, got ${count}`);
  }
  return deviceIds === undefined
    ? Array.from({ length: count }, (_, index) => deviceIdFor(gatewayId, index))
    : [...deviceIds];
}

export class GatewayModel {
  readonly gatewayId: string;
  readonly tickMs: number;
  private readonly devices: Device[];
  private readonly jitter: Rng;
  private readonly plan: ClassPlan;
  private nextSeq: number;
  private elapsedS = 0;

  constructor(options: GatewayModelOptions) {
    const seed = options.seed ?? hashString(options.gatewayId);
    this.gatewayId = options.gatewayId;
    this.tickMs = options.tickMs ?? 1000;
    this.nextSeq = options.firstSeq ?? 1;
    this.jitter = createRng(hashString(`jitter:${seed}`));
    this.plan = options.plan ?? defaultClassPlan;
    this.devices = strapIds(options).map((deviceId, index) => ({
      deviceId,
      curve: new AthleteCurve({ seed, index, plan: this.plan, dropoutPerS: options.dropoutPerS }),
      lastSeen: null,
      battery: null,
      rssi: null,
      latest: null,
    }));
  }

  deviceIds(): string[] {
    return this.devices.map((device) => device.deviceId);
  }

  /** The seq the next batch will carry. */
  peekSeq(): number {
    return this.nextSeq;
  }

  /**
   * Advances every athlete by one tick and returns the batches to send at `now`
   * (epoch ms): usually one, none when every strap is silent.
   */
  tick(now: number): SampleBatchInput[] {
    const samples: SampleInput[] = [];
    this.elapsedS += this.tickMs / 1000;
    for (const device of this.devices) {
      const { reading } = device.curve.step(this.tickMs / 1000);
      device.latest = reading === null ? null : { bpm: reading.bpm, contact: reading.contact };
      if (reading === null) continue;
      // The strap was heard some time during the tick that just ended.
      const ts = now - Math.floor(this.jitter.next() * this.tickMs);
      device.lastSeen = ts;
      device.battery = reading.battery;
      device.rssi = reading.rssi;
      samples.push({
        deviceId: device.deviceId,
        ts: new Date(ts).toISOString(),
        bpm: reading.bpm,
        ...(reading.rrMs.length > 0 ? { rrMs: reading.rrMs } : {}),
        contact: reading.contact,
        battery: reading.battery,
        rssi: reading.rssi,
      });
    }
    const batches: SampleBatchInput[] = [];
    for (let start = 0; start < samples.length; start += SAMPLES_PER_BATCH) {
      batches.push({
        gatewayId: this.gatewayId,
        seq: this.nextSeq++,
        sentAt: new Date(now).toISOString(),
        samples: samples.slice(start, start + SAMPLES_PER_BATCH),
      });
    }
    return batches;
  }

  snapshot(): GatewaySnapshot {
    return {
      elapsedS: this.elapsedS,
      phase: classPhaseAt(this.plan, this.elapsedS),
      straps: this.devices.map(({ deviceId, curve, latest }) => ({
        deviceId,
        maxHr: curve.profile.maxHr,
        latest,
      })),
    };
  }

  /** Every device heard so far, with its latest battery and signal. */
  status(now: number): GatewayStatusInput {
    const devices: GatewayStatusInput['devices'] = [];
    for (const { deviceId, lastSeen, battery, rssi } of this.devices) {
      if (lastSeen === null) continue;
      devices.push({
        deviceId,
        lastSeen: new Date(lastSeen).toISOString(),
        ...(battery === null ? {} : { battery }),
        ...(rssi === null ? {} : { rssi }),
      });
    }
    return {
      gatewayId: this.gatewayId,
      sentAt: new Date(now).toISOString(),
      version: SIMULATOR_VERSION,
      devices,
    };
  }
}
