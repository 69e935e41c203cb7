// The studios and members of the startup bench's year of classes: seeded, so
// every run writes the same log, and shaped as the API records them (a member
// joins with the profile participant-profile.ts copies: max HR from an
// override or the studio's formula at the class date, zones under its model).
import type { MaxHrFormula, Sex, ZoneModel } from '#contracts';
import { ageAt, maxHrFor, thresholdsOf, zoneRuleFor, type ParticipantJoinedData } from '#domain';
import { createRng, type Rng } from '../simulator/random.js';

export interface BenchMember {
  memberId: string;
  displayName: string;
  birthYear: number | null;
  sex: Sex;
  weightKg: number | null;
  restingHr: number | null;
  maxHrOverride: number | null;
  /** The strap paired with them; null for a member who trains without one. */
  deviceId: string | null;
}

export interface BenchStudio {
  studioId: string;
  gatewayId: string;
  formula: MaxHrFormula;
  zoneModel: ZoneModel;
  customZones: number[] | null;
  members: BenchMember[];
}

const FIRST_NAMES = [
  ...'Ana Ben Chloé Dmitri Emma Farid Grace Hugo Ines Jonas Keiko Liam Maya'.split(' '),
  ...'Noah Olga Pedro Quinn Rosa Sami Tess Umar Vera Wen Yusuf Zoe'.split(' '),
];
const LAST_NAMES = [
  ...'Almeida Brown Chen Dubois Eriksen Fischer García Haddad Ivanova Jones'.split(' '),
  ...'Kowalski Lindqvist Martin Nakamura Okafor Petrov Rossi Schmidt Tanaka Weber'.split(' '),
];
const FORMULAS: readonly MaxHrFormula[] = ['tanaka', 'tanaka', 'fox', 'gulati', 'hunt'];
const ZONE_MODELS: readonly ZoneModel[] = [
  'percent-max',
  'percent-max',
  'five-zone-84',
  'karvonen',
  'custom',
];

/** Members of each studio: its regulars join most of its classes. */
export const MEMBERS_PER_STUDIO = 60;

const word = (rng: Rng) => Math.floor(rng.next() * 0x1_0000_0000);
const words = new Uint32Array(4);

/** `<prefix>_` and 16 url-safe characters, as the API's newId (12 random bytes). */
export function idOf(rng: Rng, prefix: string): string {
  for (let i = 0; i < 3; i++) words[i] = word(rng);
  return `${prefix}_${Buffer.from(words.buffer, 0, 12).toString('base64url')}`;
}

/** A random UUID's shape (event ids, correlation ids), from the seeded generator. */
export function uuidOf(rng: Rng): string {
  const hex = [word(rng), word(rng), word(rng), word(rng)]
    .map((w) => w.toString(16).padStart(8, '0'))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export const pick = <T>(rng: Rng, items: readonly T[]): T => {
  const item = items[Math.floor(rng.next() * items.length)];
  if (item === undefined) throw new RangeError('pick from no items');
  return item;
};

const maybe = <T>(rng: Rng, probability: number, value: () => T): T | null =>
  rng.next() < probability ? value() : null;

function member(rng: Rng, index: number): BenchMember {
  const sex = pick<Sex>(rng, ['female', 'male', 'female', 'male', 'unspecified']);
  return {
    memberId: idOf(rng, 'm'),
    displayName: `${pick(rng, FIRST_NAMES)} ${pick(rng, LAST_NAMES)}`,
    birthYear: maybe(rng, 0.95, () => 1958 + Math.floor(rng.next() * 48)),
    sex,
    weightKg: maybe(rng, 0.8, () => Math.round(rng.between(sex === 'female' ? 50 : 62, 105) * 10) / 10),
    restingHr: maybe(rng, 0.6, () => Math.round(rng.between(45, 75))),
    maxHrOverride: maybe(rng, 0.1, () => Math.round(rng.between(170, 200))),
    deviceId: index % 10 === 9 ? null : `H10-${idOf(rng, 'd').slice(2, 10)}`,
  };
}

/** `count` studios, each with its members, its gateway and its settings. */
export function benchStudios(seed: number, count: number): BenchStudio[] {
  const rng = createRng(seed ^ 0x5eed);
  return Array.from({ length: count }, () => {
    const zoneModel = pick(rng, ZONE_MODELS);
    return {
      studioId: idOf(rng, 'st'),
      gatewayId: `gw-${idOf(rng, 'g').slice(2, 10)}`,
      formula: pick(rng, FORMULAS),
      zoneModel,
      customZones: zoneModel === 'custom' ? [55, 65, 75, 85, 93] : null,
      members: Array.from({ length: MEMBERS_PER_STUDIO }, (_, index) => member(rng, index)),
    };
  });
}

/** What a class copies of a member when they join at `at` (apps/api/src/sessions/participant-profile.ts). */
export function joinProfile(
  studio: BenchStudio,
  joining: BenchMember,
  participantId: string,
  at: number,
): Omit<ParticipantJoinedData, 'sessionId'> {
  const estimate = maxHrFor({
    maxHrOverride: joining.maxHrOverride,
    birthYear: joining.birthYear,
    sex: joining.sex,
    formula: studio.formula,
    at,
  });
  const zoneRule = zoneRuleFor({
    model: studio.zoneModel,
    maxHr: estimate.maxHr,
    restingHr: joining.restingHr,
    customPercentages: studio.customZones,
  });
  return {
    participantId,
    memberId: joining.memberId,
    displayName: joining.displayName,
    deviceId: joining.deviceId,
    maxHr: estimate.maxHr,
    maxHrAssumed: estimate.assumed,
    restingHr: joining.restingHr,
    zoneThresholds: thresholdsOf(zoneRule, estimate.maxHr, joining.restingHr),
    zoneRule,
    sex: joining.sex,
    weightKg: joining.weightKg,
    age: joining.birthYear === null ? null : ageAt(joining.birthYear, at),
  };
}
