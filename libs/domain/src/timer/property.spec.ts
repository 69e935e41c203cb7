// Random programs and random command sequences (a small seeded PRNG, so a
// failure names its seed and replays): the state function keeps its promises.
import { describe, expect, it } from '@jest/globals';
import type { TimerProgramInput, TimerState } from '#contracts';
import { evolveTimer, initialTimerClock, type TimerClock } from './clock.js';
import { decideTimer, type TimerCommand } from './decide.js';
import type { TimerEventBody } from './events.js';
import { RuleError } from '../decider/rule-error.js';
import { nextBoundaryAfter, timerStateAt } from './state.js';
import { program, sessionId, T0 } from './test/fixtures.js';

/** mulberry32: 32-bit state, good enough to spread test cases. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(0, items.length - 1)];
    if (item === undefined) throw new Error('empty');
    return item;
  };
  return { int, pick };
}

type Random = ReturnType<typeof prng>;

function randomProgram(random: Random): TimerProgramInput {
  const prepareSec = random.pick([0, 3, 10]);
  switch (random.pick(['stopwatch', 'tabata', 'emom', 'amrap', 'custom'] as const)) {
    case 'stopwatch':
      return { preset: 'stopwatch', prepareSec };
    case 'tabata':
      return { preset: 'tabata', prepareSec, rounds: random.int(1, 4), workSec: random.int(1, 20) };
    case 'emom':
      return { preset: 'emom', prepareSec, minutes: random.int(1, 3) };
    case 'amrap':
      return { preset: 'amrap', prepareSec, minutes: 1, cooldownSec: random.pick([0, 5]) };
    case 'custom': {
      const segments = Array.from({ length: random.int(1, 4) }, () => ({
        kind: random.pick(['work', 'rest', 'warmup', 'cooldown'] as const),
        durationSec: random.int(1, 15),
      }));
      const rounds = random.pick([1, 2, 5, 'unbounded'] as const);
      return {
        preset: 'custom',
        prepareSec,
        segments,
        rounds,
        cooldownSec: rounds === 'unbounded' ? 0 : random.pick([0, 4]),
      };
    }
  }
}

const commands: TimerCommand[] = [
  { type: 'start' },
  { type: 'pause' },
  { type: 'resume' },
  { type: 'reset' },
  { type: 'skip' },
  { type: 'skip' },
];

/** A history of accepted commands, each decided at a random later instant. */
function randomHistory(random: Random): TimerEventBody[] {
  const chosen = program(randomProgram(random));
  const set: TimerEventBody = { type: 'timer.program-set', data: { sessionId, program: chosen, at: T0 } };
  const events: TimerEventBody[] = [set];
  let clock: TimerClock = evolveTimer(initialTimerClock, set);
  let now = T0;
  for (let step = 0; step < 25; step++) {
    now += random.int(0, 20_000);
    try {
      for (const event of decideTimer(random.pick(commands), clock, {
        sessionId,
        now,
        sessionStatus: 'live',
      })) {
        events.push(event);
        clock = evolveTimer(clock, event);
      }
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
    }
  }
  return events;
}

const id = { sessionId, version: 1 };

describe('the timer under random command sequences', () => {
  for (let seed = 1; seed <= 120; seed++) {
    it(`keeps its invariants (seed ${seed})`, () => {
      const random = prng(seed);
      const events = randomHistory(random);
      const last = events.at(-1)?.data.at ?? T0;
      let previous: TimerState | null = null;
      let previousEvents = 0;
      for (let instant = T0; instant <= last + 120_000; instant += random.int(1, 3_000)) {
        const state = timerStateAt(events, instant, id);
        const known = events.filter((event) => event.data.at <= instant).length;
        // Remaining time is never negative, and within the segment's length.
        if (state.remainingMs !== null) expect(state.remainingMs).toBeGreaterThanOrEqual(0);
        if (state.remainingMs !== null && state.segmentDurationMs !== null)
          expect(state.remainingMs).toBeLessThanOrEqual(state.segmentDurationMs);
        if (state.segmentEndsAt !== undefined) expect(state.segmentEndsAt).toBeGreaterThan(instant);
        const quiet = previous !== null && known === previousEvents;
        if (quiet && previous !== null) {
          // With no command in between, steps only move forward and elapsed never goes back.
          expect(state.elapsedMs).toBeGreaterThanOrEqual(previous.elapsedMs);
          if (previous.status === 'running' && state.status === 'running') {
            expect(state.stepIndex ?? 0).toBeGreaterThanOrEqual(previous.stepIndex ?? 0);
            expect(state.elapsedMs - previous.elapsedMs).toBe(state.serverTime - previous.serverTime);
          }
          if (previous.status === 'paused')
            expect(state).toMatchObject({ status: 'paused', elapsedMs: previous.elapsedMs });
          if (previous.status === 'finished') expect(state.status).toBe('finished');
        }
        // The next boundary is exact: the step holds until just before it and changes at it.
        const boundary = nextBoundaryAfter(events, instant);
        if (
          boundary !== null &&
          events.every((event) => event.data.at <= instant || event.data.at > boundary)
        ) {
          expect(boundary).toBe(state.segmentEndsAt);
          expect(timerStateAt(events, boundary - 1, id).stepIndex).toBe(state.stepIndex);
          const after = timerStateAt(events, boundary, id);
          expect(after.status === 'finished' || (after.stepIndex ?? 0) > (state.stepIndex ?? 0)).toBe(true);
        }
        previous = state;
        previousEvents = known;
      }
    });
  }
});
