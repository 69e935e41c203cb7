// Heart-rate model of one athlete through a group class. Pure and seeded: the
// same seed and index always draw the same curve, which the tests rely on.

import { athleteSeed, createRng, type Rng } from './random.js';

export interface ClassPlan {
  restingS: number;
  warmupS: number;
  workS: number;
  recoveryS: number;
  rounds: number;
  cooldownS: number;
}
export type ClassPhase = 'resting' | 'warmup' | 'work' | 'recovery' | 'cooldown';
export interface PhaseAt {
  phase: ClassPhase;
  /** 0..1 through the current phase. */
  progress: number;
  /** 0-based interval round (0 outside the intervals). */
  round: number;
}

/** About 26 minutes: 1 min resting, 4 min warm-up, 8 x (1 min work, 1 min recovery), 5 min cool-down. */
export const defaultClassPlan: ClassPlan = {
  restingS: 60,
  warmupS: 240,
  workS: 60,
  recoveryS: 60,
  rounds: 8,
  cooldownS: 300,
};

/**
 * The plan with `warmupS` seconds from the start to the first work interval
 * (resting and warm-up keep their 1:4 ratio); 0 starts with the intervals.
 */
export function withWarmup(plan: ClassPlan, warmupS: number): ClassPlan {
  const restingS = Math.round((warmupS * plan.restingS) / (plan.restingS + plan.warmupS || 1));
  return { ...plan, restingS, warmupS: warmupS - restingS };
}

/** Seconds from the start of the plan to its first work interval. */
export const warmupLengthS = (plan: ClassPlan): number => plan.restingS + plan.warmupS;

export function classLengthS(plan: ClassPlan): number {
  return plan.restingS + plan.warmupS + plan.rounds * (plan.workS + plan.recoveryS) + plan.cooldownS;
}

/** Where a class is after `elapsedS`; the plan repeats, so a long demo keeps moving. */
export function classPhaseAt(plan: ClassPlan, elapsedS: number): PhaseAt {
  let t = elapsedS % classLengthS(plan);
  if (t < plan.restingS) return { phase: 'resting', progress: t / plan.restingS, round: 0 };
  t -= plan.restingS;
  if (t < plan.warmupS) return { phase: 'warmup', progress: t / plan.warmupS, round: 0 };
  t -= plan.warmupS;
  const roundS = plan.workS + plan.recoveryS;
  if (t < plan.rounds * roundS) {
    const round = Math.floor(t / roundS);
    const inRound = t - round * roundS;
    return inRound < plan.workS
      ? { phase: 'work', progress: inRound / plan.workS, round }
      : { phase: 'recovery', progress: (inRound - plan.workS) / plan.recoveryS, round };
  }
  t -= plan.rounds * roundS;
  return { phase: 'cooldown', progress: Math.min(1, t / plan.cooldownS), round: 0 };
}

export interface AthleteProfile {
  maxHr: number;
  restingHr: number;
  /** Fraction of max HR the athlete settles at in a work interval. */
  workPct: number;
  recoveryPct: number;
  /** Time constants of the heart's response: fitter athletes respond and recover faster. */
  riseTauS: number;
  recoveryTauS: number;
  batteryStart: number;
  batteryDrainPerS: number;
}

export function drawAthleteProfile(rng: Rng): AthleteProfile {
  const fitness = rng.next();
  const age = rng.between(20, 60);
  return {
    maxHr: Math.round(208 - 0.7 * age + 4 * rng.normal()),
    restingHr: rng.between(65, 80),
    workPct: rng.between(0.85, 0.95),
    recoveryPct: 0.66 - 0.1 * fitness + 0.01 * rng.normal(),
    riseTauS: 18 - 8 * fitness,
    recoveryTauS: 45 - 20 * fitness,
    batteryStart: Math.round(rng.between(35, 100)),
    batteryDrainPerS: rng.between(1, 4) / 3600,
  };
}

/** What the strap sends; null from `step` when the gateway hears nothing. */
export interface AthleteReading {
  bpm: number;
  rrMs: number[];
  contact: boolean;
  battery: number;
  rssi: number;
}
export interface AthleteStep {
  phase: PhaseAt;
  /** The modelled heart rate, also while the strap is silent. */
  heartBpm: number;
  reading: AthleteReading | null;
}

export interface AthleteCurveOptions {
  seed: number;
  index: number;
  plan?: ClassPlan;
  /** Chance per second that a dropout starts; about once in 15 minutes by default. */
  dropoutPerS?: number;
}

type Dropout = { kind: 'silent' | 'no-contact'; remainingS: number };

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

export class AthleteCurve {
  readonly profile: AthleteProfile;
  private readonly rng: Rng;
  private readonly plan: ClassPlan;
  private readonly dropoutPerS: number;
  private elapsedS = 0;
  private heart: number;
  private noise = 0;
  private battery: number;
  private rssi = -60;
  private dropout: Dropout | null = null;

  constructor(options: AthleteCurveOptions) {
    this.rng = createRng(athleteSeed(options.seed, options.index));
    this.plan = options.plan ?? defaultClassPlan;
    this.dropoutPerS = options.dropoutPerS ?? 1 / 900;
    this.profile = drawAthleteProfile(this.rng);
    this.heart = this.profile.restingHr;
    this.battery = this.profile.batteryStart;
  }

  /** Advances the model by `dtS` seconds and returns what the strap reports. */
  step(dtS: number): AthleteStep {
    const { rng, profile } = this;
    this.elapsedS += dtS;
    const phase = classPhaseAt(this.plan, this.elapsedS);
    const target = this.targetHr(phase);
    const tau = target > this.heart ? profile.riseTauS : profile.recoveryTauS;
    this.heart += (target - this.heart) * (1 - Math.exp(-dtS / tau));
    this.noise = this.noise * 0.85 + rng.normal();
    this.battery = Math.max(0, this.battery - profile.batteryDrainPerS * dtS);
    this.rssi = clamp(this.rssi + 0.05 * (-60 - this.rssi) + 1.2 * rng.normal(), -95, -35);
    const heartBpm = Math.round(clamp(this.heart + this.noise, 40, 220));
    const dropout = this.nextDropout(dtS);
    const battery = Math.floor(this.battery);
    const rssi = Math.round(this.rssi);
    if (dropout?.kind === 'silent') return { phase, heartBpm, reading: null };
    if (dropout?.kind === 'no-contact') {
      return { phase, heartBpm, reading: { bpm: 0, rrMs: [], contact: false, battery, rssi } };
    }
    return {
      phase,
      heartBpm,
      reading: { bpm: heartBpm, rrMs: this.rrIntervals(heartBpm, dtS), contact: true, battery, rssi },
    };
  }

  private targetHr({ phase, progress, round }: PhaseAt): number {
    const { maxHr, restingHr, workPct, recoveryPct } = this.profile;
    switch (phase) {
      case 'resting':
        return restingHr;
      case 'warmup':
        return restingHr + (0.7 * maxHr - restingHr) * progress;
      case 'work':
        // Cardiac drift: the same effort costs a little more heart rate each round.
        return maxHr * Math.min(0.97, workPct + 0.004 * round);
      case 'recovery':
        return maxHr * recoveryPct;
      case 'cooldown':
        return maxHr * recoveryPct + (restingHr + 10 - maxHr * recoveryPct) * progress;
    }
  }

  private nextDropout(dtS: number): Dropout | null {
    if (this.dropout !== null) {
      this.dropout.remainingS -= dtS;
      if (this.dropout.remainingS <= 0) this.dropout = null;
      return this.dropout;
    }
    if (this.rng.next() < this.dropoutPerS * dtS) {
      const kind = this.rng.next() < 0.5 ? 'silent' : 'no-contact';
      this.dropout = { kind, remainingS: this.rng.between(2, 8) };
    }
    return this.dropout;
  }

  /** The beats of the last `dtS` seconds (1 to 3 of them), with heart-rate variability that shrinks as HR rises. */
  private rrIntervals(bpm: number, dtS: number): number[] {
    const count = clamp(Math.round((bpm / 60) * dtS), 1, 3);
    const variability = bpm < 100 ? 0.03 : 0.012;
    return Array.from({ length: count }, () => {
      const rr = (60000 / bpm) * (1 + variability * clamp(this.rng.normal(), -2.5, 2.5));
      return Math.round(rr * 10) / 10;
    });
  }
}
