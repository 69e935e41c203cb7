import { describe, expect, it } from '@jest/globals';
import { timerTotalsUntil } from './totals.js';
import {
  at,
  paused,
  program,
  programSet,
  reset,
  resumed,
  skipped,
  started,
  tabata,
} from './test/fixtures.js';

describe('timerTotalsUntil', () => {
  it('counts a whole tabata: 8 x 20 s work, 8 x 10 s rest, prepare in neither', () => {
    expect(timerTotalsUntil([programSet(tabata), started(0)], at(1000))).toEqual({
      workMs: 160_000,
      restMs: 80_000,
    });
  });

  it('stops at the instant given (the class end)', () => {
    expect(timerTotalsUntil([programSet(tabata), started(0)], at(45))).toEqual({
      workMs: 25_000,
      restMs: 10_000,
    });
  });

  it('leaves out pauses and skipped time, and counts what ran before a reset', () => {
    const events = [
      programSet(tabata),
      started(0),
      paused(20),
      resumed(80),
      skipped(85, 2),
      reset(100),
      started(200),
    ];
    // 10..20 work (10 s), 80..85 work (5 s), skip to rest at position 30 s: 85..95 rest, 95..100 work (5 s);
    // after the reset, 210..215 work.
    expect(timerTotalsUntil(events, at(215))).toEqual({ workMs: 25_000, restMs: 10_000 });
  });

  it('is null when the timer never started', () => {
    expect(timerTotalsUntil([programSet(tabata)], at(100))).toBeNull();
    expect(timerTotalsUntil([], at(100))).toBeNull();
  });

  it('counts warm-up and cool-down in neither', () => {
    const custom = program({
      preset: 'custom',
      prepareSec: 0,
      segments: [
        { kind: 'warmup', durationSec: 60 },
        { kind: 'work', durationSec: 30 },
      ],
      rounds: 1,
      cooldownSec: 60,
    });
    expect(timerTotalsUntil([programSet(custom), started(0)], at(500))).toEqual({
      workMs: 30_000,
      restMs: 0,
    });
  });
});
