// Bounded random and hostile values for the fuzzer, drawn from a seeded PRNG so
// that a failing input is found again from its seed and its index.
import { createRng, hashString, type Rng } from '../simulator/random.js';

export interface Draw {
  rng: Rng;
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** One PRNG per surface, so the inputs of one do not depend on how many the other drew. */
export function drawFor(seed: number, surface: string): Draw {
  const rng = createRng(hashString(`${seed >>> 0}:${surface}`));
  const int = (min: number, max: number) => min + Math.floor(rng.next() * (max - min + 1));
  return {
    rng,
    int,
    chance: (p) => rng.next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(0, items.length - 1)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
  };
}

/** Strings a parser, a subject, a path or a database may choke on. */
export const oddStrings: readonly string[] = [
  '',
  ' ',
  '..',
  '../../etc/passwd',
  '*',
  '>',
  'a.b',
  'a b',
  '%',
  '%00',
  '%ZZ',
  '\u0000',
  '\ud800',
  'ü€😀',
  "' OR 1=1 --",
  '"; DROP TABLE hr_samples; --',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  'null',
  'true',
  '[]',
  '{}',
  'x'.repeat(129),
  'x'.repeat(5000),
];

/** Numbers at and beyond every bound. */
export const oddNumbers: readonly number[] = [
  0,
  -0,
  -1,
  1,
  0.5,
  -1e-9,
  255,
  256,
  65536,
  2 ** 31,
  2 ** 53,
  Number.MAX_SAFE_INTEGER + 2,
  1e20,
  1e308,
  -1e308,
  Number.MIN_VALUE,
];

/** Timestamps: year 10000, negative, far past, far future, as numbers and as text. */
export function oddTimestamps(now: number): readonly unknown[] {
  return [
    253402300800000,
    '+010000-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
    -1,
    -8.64e15,
    8.64e15,
    8.64e15 + 1,
    0,
    1,
    now + 3_600_000,
    now + 11_000,
    now - 25 * 3_600_000,
    now - 365 * 24 * 3_600_000,
    new Date(now + 3_600_000).toISOString(),
    '1970-01-01',
    'yesterday',
    'NaN',
    'Infinity',
    '1e400',
    1.5,
    null,
    true,
    [],
    {},
  ];
}

/** A random JSON value of bounded size and depth. */
export function randomJson(draw: Draw, depth = 0): unknown {
  const kind = draw.int(0, depth > 3 ? 4 : 6);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return draw.chance(0.5);
    case 2:
      return draw.chance(0.5) ? draw.pick(oddNumbers) : draw.int(-1000, 1000);
    case 3:
    case 4:
      return draw.pick(oddStrings);
    case 5:
      return Array.from({ length: draw.int(0, 4) }, () => randomJson(draw, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: draw.int(0, 4) }, () => [draw.pick(oddStrings), randomJson(draw, depth + 1)]),
      );
  }
}

/** A valid-looking object with some fields replaced by hostile values, removed or added. */
export function mutate(draw: Draw, valid: Record<string, unknown>, extra: readonly unknown[] = []): unknown {
  let copy: Record<string, unknown> = { ...valid };
  const keys = Object.keys(copy);
  for (let edits = draw.int(1, 3); edits > 0; edits--) {
    const key = keys.length > 0 && draw.chance(0.8) ? draw.pick(keys) : draw.pick(oddStrings);
    const roll = draw.int(0, 9);
    if (roll === 0) copy = Object.fromEntries(Object.entries(copy).filter(([name]) => name !== key));
    else if (roll <= 3 && extra.length > 0) copy[key] = draw.pick(extra);
    else copy[key] = randomJson(draw);
  }
  return copy;
}

/** Text JSON.stringify never writes: numbers as words, deep nesting, truncation. */
export function hostileJsonText(draw: Draw, valid: string): string {
  switch (draw.int(0, 6)) {
    case 0:
      return valid.replace(/\d+(\.\d+)?/, draw.pick(['NaN', 'Infinity', '-Infinity', '1e999', '0x10']));
    case 1:
      return '['.repeat(draw.int(100, 20_000)) + ']'.repeat(draw.int(0, 100));
    case 2:
      return valid.slice(0, draw.int(0, valid.length));
    case 3:
      return `{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}, ${valid.slice(1)}`;
    case 4:
      return valid.replace('{', `{"samples": [${'{"deviceId":"x","ts":1,"bpm":60},'.repeat(600)}1],`);
    case 5:
      return JSON.stringify({ pad: 'x'.repeat(draw.int(60_000, 300_000)) });
    default:
      return draw.pick(['', 'null', '0', '"text"', 'NaN', '{', '}', '[]', '{"a":1}{"a":2}']);
  }
}

/** Bytes that are not UTF-8. */
export function nonUtf8(draw: Draw): Uint8Array {
  const bytes = new Uint8Array(draw.int(1, 2000));
  for (let index = 0; index < bytes.length; index++) bytes[index] = draw.int(0x80, 0xff);
  return bytes;
}

export function truncated(input: unknown, max = 300): string {
  const text =
    typeof input === 'string'
      ? input
      : input instanceof Uint8Array
        ? `<${input.length} bytes: ${Buffer.from(input.slice(0, 40)).toString('hex')}…>`
        : (JSON.stringify(input) ?? String(input));
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
