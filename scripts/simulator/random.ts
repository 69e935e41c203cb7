// Seeded randomness for the simulator: no Math.random, so every run with the
// same seed draws the same numbers.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
  between(min: number, max: number): number;
}

/** mulberry32: small, fast and good enough for a simulation. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal, between: (min, max) => min + (max - min) * next() };
}

/** FNV-1a, for turning a name into a seed or a device number. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** One seed per athlete, so athlete k's curve does not depend on how many others there are. */
export function athleteSeed(seed: number, index: number): number {
  return hashString(`${seed >>> 0}:${index}`);
}
