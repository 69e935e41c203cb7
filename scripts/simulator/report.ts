// What the simulator prints for a person: what it is about to do, a line every
// few seconds (athletes heard, rate, zone mix, where the class is), and how it
// ended. Pure functions from state to text; `run.ts` decides when to print.
import { zoneOf, zoneThresholdsFor } from '#domain';
import { classLengthS, warmupLengthS, type ClassPlan, type PhaseAt } from './athlete-curve.js';
import type { GatewayStats } from './gateway.js';
import type { GatewaySnapshot } from './gateway-model.js';
import { describeNatsSource, type NatsUrlSource } from './nats-url.js';
import { formatDuration } from './options.js';

/** Ids listed in full up to this many straps; beyond, the first few and a count. */
const LISTED_IDS = 24;

export interface StartInfo {
  studioId: string;
  gatewayId: string;
  nats: string;
  natsSource: NatsUrlSource;
  deviceIds: readonly string[];
  tickMs: number;
  plan: ClassPlan;
  durationS: number | undefined;
}

/** `0:05`, `12:40`, `1:02:03`. */
export function formatClock(totalS: number): string {
  const s = Math.floor(totalS);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

function listIds(ids: readonly string[]): string {
  if (ids.length <= LISTED_IDS) return ids.join(', ');
  return `${ids.slice(0, 12).join(', ')} and ${ids.length - 12} more (--json lists them all)`;
}

export function describeStart(info: StartInfo): string[] {
  const { plan } = info;
  const seconds = info.tickMs / 1000;
  const intervals = `${plan.rounds} intervals of ${formatDuration(plan.workS)} work and ${formatDuration(plan.recoveryS)} recovery`;
  const stops =
    info.durationS === undefined
      ? 'Ctrl-C stops it'
      : `stops after ${formatDuration(info.durationS)} (or Ctrl-C)`;
  return [
    `Simulated gateway ${info.gatewayId} of studio ${info.studioId}, publishing to ${info.nats} (${describeNatsSource(info.natsSource)})`,
    `  ${info.deviceIds.length} strap${info.deviceIds.length === 1 ? '' : 's'}: ${listIds(info.deviceIds)}`,
    `  one sample a strap every ${seconds} s; warm-up ${formatDuration(warmupLengthS(plan))}, then ${intervals}, cool-down ${formatDuration(plan.cooldownS)}; the ${formatDuration(classLengthS(plan))} plan repeats`,
    `  pair a strap with an athlete: PUT /api/v1/studios/${info.studioId}/devices/<strap id> (docs/contracts/rest.md); ${stops}`,
  ];
}

/** How many straps are in each zone 0..5 (by each simulated athlete's own max HR), and how many say nothing. */
export interface ZoneMix {
  zones: number[];
  noContact: number;
  silent: number;
}

export function zoneMix(snapshot: GatewaySnapshot): ZoneMix {
  const mix: ZoneMix = { zones: [0, 0, 0, 0, 0, 0], noContact: 0, silent: 0 };
  for (const { latest, maxHr } of snapshot.straps) {
    if (latest === null) mix.silent += 1;
    else if (!latest.contact) mix.noContact += 1;
    else {
      const zone = zoneOf(latest.bpm, zoneThresholdsFor({ model: 'percent-max', maxHr }));
      mix.zones[zone] = (mix.zones[zone] ?? 0) + 1;
    }
  }
  return mix;
}

export function describePhase(phase: PhaseAt, plan: ClassPlan): string {
  switch (phase.phase) {
    case 'resting':
      return 'resting';
    case 'warmup':
      return 'warm-up';
    case 'work':
      return `work ${phase.round + 1}/${plan.rounds}`;
    case 'recovery':
      return `recovery ${phase.round + 1}/${plan.rounds}`;
    case 'cooldown':
      return 'cool-down';
  }
}

export interface ProgressInput {
  snapshot: GatewaySnapshot;
  plan: ClassPlan;
  stats: GatewayStats;
  /** Samples sent per second since the previous line. */
  samplesPerS: number;
}

/** `  0:35  warm-up      12 of 12 straps heard   12.0 samples/s   420 sent   zones: z0 2, z1 4, z2 6` */
export function describeProgress({ snapshot, plan, stats, samplesPerS }: ProgressInput): string {
  const mix = zoneMix(snapshot);
  const heard = snapshot.straps.length - mix.silent;
  const zones = mix.zones.flatMap((count, zone) => (count > 0 ? [`z${zone} ${count}`] : []));
  if (mix.noContact > 0) zones.push(`${mix.noContact} no contact`);
  if (mix.silent > 0) zones.push(`${mix.silent} silent`);
  return [
    `  ${formatClock(snapshot.elapsedS).padStart(5)}`,
    describePhase(snapshot.phase, plan).padEnd(14),
    `${heard} of ${snapshot.straps.length} straps heard`,
    `${samplesPerS.toFixed(1)} samples/s`,
    `${stats.samples} sent`,
    `zones: ${zones.length > 0 ? zones.join(', ') : 'none yet'}`,
  ].join('   ');
}

export type StopReason = { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'duration' };

/** `Stopped (Ctrl-C) after 1m23s: 664 samples sent in 83 batches.` */
export function describeStop(reason: StopReason, stats: GatewayStats, elapsedS: number): string {
  const why =
    reason.kind === 'duration'
      ? '--duration-s reached'
      : reason.signal === 'SIGINT'
        ? 'Ctrl-C'
        : reason.signal;
  return `Stopped (${why}) after ${formatDuration(elapsedS)}: ${stats.samples} samples sent in ${stats.batches} batches.`;
}
