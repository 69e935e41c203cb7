import { describe, expect, it } from '@jest/globals';
import type { TimerState } from '#contracts';
import { msToNextSecond, nextText, roundText, timerText } from './timer-text.js';

const program = {
  preset: 'custom' as const,
  prepareSec: 10,
  segments: [
    { kind: 'work' as const, label: 'Sprint', durationSec: 40 },
    { kind: 'rest' as const, label: 'Rest', durationSec: 20 },
  ],
  rounds: 8,
  cooldownSec: 0,
};

const running: TimerState = {
  sessionId: 's_1',
  version: 3,
  status: 'running',
  program,
  round: 2,
  segmentIndex: 0,
  stepIndex: 3,
  phase: 'work',
  label: 'Sprint',
  segmentEndsAt: 100_000,
  segmentDurationMs: 40_000,
  remainingMs: 30_000,
  elapsedMs: 80_000,
  cue: false,
  cueStartsAt: 97_000,
  serverTime: 70_000,
};

describe('what the timer says', () => {
  it('counts down to segmentEndsAt on the server clock, rounding up to the second', () => {
    expect(timerText(running, 70_000)).toBe('0:30');
    expect(timerText(running, 99_100)).toBe('0:01');
    expect(timerText(running, 100_000)).toBe('0:00');
    expect(timerText(running, 105_000)).toBe('0:00');
  });

  it('shows the frozen remaining time while paused, and the first step while idle', () => {
    expect(timerText({ ...running, status: 'paused', segmentEndsAt: undefined }, 500_000)).toBe('0:30');
    expect(timerText({ ...running, status: 'idle', stepIndex: null, round: 0 }, 0)).toBe('0:10');
  });

  it('counts the stopwatch up', () => {
    const stopwatch = { ...running, remainingMs: null, segmentEndsAt: undefined, elapsedMs: 61_000 };
    expect(timerText(stopwatch, 70_000 + 2_000)).toBe('1:03');
  });

  it('says the round and what comes next', () => {
    expect(roundText(running)).toBe('Round 2/8');
    expect(nextText(running)).toBe('Next: Rest 0:20');
    expect(nextText({ ...running, status: 'idle', stepIndex: null, round: 0 })).toBe('Next: Get ready 0:10');
    expect(roundText({ ...running, program: { ...program, rounds: 'unbounded' } })).toBe('Round 2');
    // The last step of the last round: nothing next.
    expect(nextText({ ...running, round: 8, stepIndex: 16, segmentIndex: 1 })).toBeNull();
  });

  it('wakes just past the moment the big number changes, not every animation frame', () => {
    // 29.5 s left: the text turns from 0:30 to 0:29 in 500 ms.
    expect(msToNextSecond(running, 70_500)).toBe(505);
    expect(timerText(running, 70_500 + 505)).toBe('0:29');
    // The stopwatch at 61.2 s counts up to 1:02 in 800 ms.
    const stopwatch = { ...running, remainingMs: null, segmentEndsAt: undefined, elapsedMs: 61_000 };
    expect(msToNextSecond(stopwatch, 70_200)).toBe(805);
    expect(timerText(stopwatch, 70_200 + 805)).toBe('1:02');
  });
});
