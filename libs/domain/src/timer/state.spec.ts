import { describe, expect, it } from '@jest/globals';
import type { TimerState } from '#contracts';
import type { TimerEventBody } from './events.js';
import { nextBoundaryAfter, timerStateAt } from './state.js';
import {
  at,
  paused,
  program,
  programSet,
  reset,
  resumed,
  sessionId,
  skipped,
  started,
  tabata,
} from './test/fixtures.js';

const id = { sessionId, version: 7 };
const stateAt = (events: TimerEventBody[], seconds: number) => timerStateAt(events, at(seconds), id);

type Row = [
  seconds: number,
  status: TimerState['status'],
  phase: TimerState['phase'],
  round: number,
  segmentIndex: number | null,
  stepIndex: number | null,
  remainingMs: number | null,
  endsAtSeconds: number | undefined,
  elapsedMs: number,
  cue: boolean,
];

/** Checks a hand-worked table: one row per instant (seconds after T0). */
function expectTable(events: TimerEventBody[], rows: Row[]) {
  for (const [
    seconds,
    status,
    phase,
    round,
    segmentIndex,
    stepIndex,
    remainingMs,
    endsAt,
    elapsedMs,
    cue,
  ] of rows) {
    const state = stateAt(events, seconds);
    expect({ seconds, ...state }).toMatchObject({
      seconds,
      status,
      phase,
      round,
      segmentIndex,
      stepIndex,
      remainingMs,
      elapsedMs,
      cue,
      serverTime: at(seconds),
    });
    expect({ seconds, segmentEndsAt: state.segmentEndsAt }).toEqual({
      seconds,
      segmentEndsAt: endsAt === undefined ? undefined : at(endsAt),
    });
  }
}

describe('timerStateAt, preset by preset (started at T0)', () => {
  it('tabata: 10 s prepare, 20 s work / 10 s rest x 8, over at 250 s', () => {
    expectTable(
      [programSet(tabata), started(0)],
      [
        [-30, 'idle', null, 0, null, null, null, undefined, 0, false],
        [0, 'running', 'prepare', 0, null, 0, 10_000, 10, 0, false],
        [6.999, 'running', 'prepare', 0, null, 0, 3_001, 10, 6_999, false],
        [7, 'running', 'prepare', 0, null, 0, 3_000, 10, 7_000, true],
        [10, 'running', 'work', 1, 0, 1, 20_000, 30, 10_000, false],
        [29.5, 'running', 'work', 1, 0, 1, 500, 30, 29_500, true],
        [30, 'running', 'rest', 1, 1, 2, 10_000, 40, 30_000, false],
        [45, 'running', 'work', 2, 0, 3, 15_000, 60, 45_000, false],
        [240, 'running', 'rest', 8, 1, 16, 10_000, 250, 240_000, false],
        [249.999, 'running', 'rest', 8, 1, 16, 1, 250, 249_999, true],
        [250, 'finished', null, 0, null, null, 0, undefined, 250_000, false],
        [900, 'finished', null, 0, null, null, 0, undefined, 250_000, false],
      ],
    );
  });

  it('emom 10 minutes without prepare: a new round every minute', () => {
    const emom = program({ preset: 'emom', minutes: 10, prepareSec: 0 });
    expectTable(
      [programSet(emom), started(0)],
      [
        [0, 'running', 'work', 1, 0, 0, 60_000, 60, 0, false],
        [59, 'running', 'work', 1, 0, 0, 1_000, 60, 59_000, true],
        [60, 'running', 'work', 2, 0, 1, 60_000, 120, 60_000, false],
        [599.999, 'running', 'work', 10, 0, 9, 1, 600, 599_999, true],
        [600, 'finished', null, 0, null, null, 0, undefined, 600_000, false],
      ],
    );
  });

  it('amrap 12 minutes: prepare, then one 12-minute work segment', () => {
    const amrap = program({ preset: 'amrap', minutes: 12 });
    expectTable(
      [programSet(amrap), started(0)],
      [
        [5, 'running', 'prepare', 0, null, 0, 5_000, 10, 5_000, false],
        [10, 'running', 'work', 1, 0, 1, 720_000, 730, 10_000, false],
        [370, 'running', 'work', 1, 0, 1, 360_000, 730, 370_000, false],
        [730, 'finished', null, 0, null, null, 0, undefined, 730_000, false],
      ],
    );
    expect(stateAt([programSet(amrap), started(0)], 10).label).toBe('AMRAP');
  });

  it('stopwatch: prepare, then counts up without an end', () => {
    const stopwatch = program({ preset: 'stopwatch' });
    expectTable(
      [programSet(stopwatch), started(0)],
      [
        [0, 'running', 'prepare', 0, null, 0, 10_000, 10, 0, false],
        [10, 'running', 'work', 1, null, 1, null, undefined, 10_000, false],
        [3600, 'running', 'work', 1, null, 1, null, undefined, 3_600_000, false],
      ],
    );
    expect(stateAt([programSet(stopwatch), started(0)], 60)).toMatchObject({
      label: 'Stopwatch',
      segmentDurationMs: null,
    });
  });

  it('custom: 5 s prepare, (40 s sprint, 20 s rest) x 3, 120 s cool-down', () => {
    const custom = program({
      preset: 'custom',
      prepareSec: 5,
      segments: [
        { kind: 'work', label: 'Sprint', durationSec: 40 },
        { kind: 'rest', durationSec: 20 },
      ],
      rounds: 3,
      cooldownSec: 120,
    });
    const events = [programSet(custom), started(0)];
    expectTable(events, [
      [5, 'running', 'work', 1, 0, 1, 40_000, 45, 5_000, false],
      [45, 'running', 'rest', 1, 1, 2, 20_000, 65, 45_000, false],
      [65, 'running', 'work', 2, 0, 3, 40_000, 105, 65_000, false],
      [184, 'running', 'rest', 3, 1, 6, 1_000, 185, 184_000, true],
      [185, 'running', 'cooldown', 3, null, 7, 120_000, 305, 185_000, false],
      [305, 'finished', null, 0, null, null, 0, undefined, 305_000, false],
    ]);
    expect(stateAt(events, 5).label).toBe('Sprint');
    expect(stateAt(events, 45).label).toBe('Rest');
    expect(stateAt(events, 200).label).toBe('Cool-down');
  });
});

describe('pause and resume', () => {
  const run = [programSet(tabata), started(0)];
  const pausedRun = [...run, paused(15), resumed(100)];

  it('freezes the state while paused: no end, remaining and elapsed held', () => {
    for (const seconds of [15, 50, 99.999]) {
      expect(stateAt(pausedRun, seconds)).toMatchObject({
        status: 'paused',
        phase: 'work',
        remainingMs: 15_000,
        elapsedMs: 15_000,
        cue: false,
      });
      expect(stateAt(pausedRun, seconds).segmentEndsAt).toBeUndefined();
    }
  });

  it('shifts everything after the resume by the paused time (85 s)', () => {
    for (let seconds = 15; seconds <= 400; seconds += 0.25) {
      const {
        serverTime: _shifted,
        segmentEndsAt: endsShifted,
        cueStartsAt: _c1,
        ...shifted
      } = stateAt(pausedRun, seconds + 85);
      const {
        serverTime: _plain,
        segmentEndsAt: endsPlain,
        cueStartsAt: _c2,
        ...plain
      } = stateAt(run, seconds);
      expect({ seconds, ...shifted }).toEqual({ seconds, ...plain });
      expect(endsShifted).toEqual(endsPlain === undefined ? undefined : endsPlain + 85_000);
    }
    expect(stateAt(pausedRun, 100).segmentEndsAt).toBe(at(115));
    expect(stateAt(pausedRun, 335)).toMatchObject({ status: 'finished', elapsedMs: 250_000 });
  });
});

describe('skip', () => {
  it('jumps to the start of the next step; later ends move with it', () => {
    const events = [programSet(tabata), started(0), skipped(4, 1)];
    expect(stateAt(events, 4)).toMatchObject({
      phase: 'work',
      round: 1,
      stepIndex: 1,
      remainingMs: 20_000,
      elapsedMs: 4_000,
    });
    expect(stateAt(events, 4).segmentEndsAt).toBe(at(24));
    expect(stateAt(events, 24)).toMatchObject({ phase: 'rest', stepIndex: 2 });
    expect(stateAt(events, 244)).toMatchObject({ status: 'finished', elapsedMs: 244_000 });
  });

  it('while paused: stays paused at the start of the next step', () => {
    const events = [programSet(tabata), started(0), paused(12), skipped(20, 2)];
    expect(stateAt(events, 50)).toMatchObject({
      status: 'paused',
      phase: 'rest',
      remainingMs: 10_000,
      elapsedMs: 12_000,
    });
  });

  it('past the last step: finished, elapsed frozen', () => {
    const stopwatch = program({ preset: 'stopwatch', prepareSec: 0 });
    const events = [programSet(stopwatch), started(0), skipped(90, 1)];
    expect(stateAt(events, 500)).toMatchObject({ status: 'finished', elapsedMs: 90_000, remainingMs: 0 });
  });
});

describe('reset', () => {
  it('goes back to idle with the same program; a new start counts from then', () => {
    const events = [programSet(tabata), started(0), paused(20), reset(50)];
    expect(stateAt(events, 60)).toMatchObject({ status: 'idle', program: tabata, elapsedMs: 0, phase: null });
    const again = [...events, started(70)];
    expect(stateAt(again, 80)).toMatchObject({
      phase: 'work',
      round: 1,
      remainingMs: 20_000,
      elapsedMs: 10_000,
    });
    expect(stateAt(again, 80).segmentEndsAt).toBe(at(100));
  });
});

describe('unbounded rounds', () => {
  const endless = program({
    preset: 'custom',
    prepareSec: 0,
    segments: [
      { kind: 'work', durationSec: 30 },
      { kind: 'rest', durationSec: 15 },
    ],
    rounds: 'unbounded',
  });
  const events = [programSet(endless), started(0)];

  it('repeats the segments for ever', () => {
    expect(stateAt(events, 4500)).toMatchObject({
      status: 'running',
      phase: 'work',
      round: 101,
      stepIndex: 200,
    });
    expect(stateAt(events, 4500).segmentEndsAt).toBe(at(4530));
    expect(stateAt(events, 450_000 + 31)).toMatchObject({
      phase: 'rest',
      round: 10_001,
      remainingMs: 14_000,
    });
  });

  it('skips from round to round', () => {
    expect(stateAt([...events, skipped(10, 1), skipped(11, 2)], 11)).toMatchObject({
      round: 2,
      phase: 'work',
    });
  });
});

describe('nextBoundaryAfter', () => {
  const events = [programSet(tabata), started(0)];

  it('is the end of the current segment, exactly, and the state changes there', () => {
    expect(nextBoundaryAfter(events, at(0))).toBe(at(10));
    expect(nextBoundaryAfter(events, at(9.999))).toBe(at(10));
    expect(nextBoundaryAfter(events, at(10))).toBe(at(30));
    expect(nextBoundaryAfter(events, at(249))).toBe(at(250));
    expect(stateAt(events, 249.999).stepIndex).toBe(16);
    expect(stateAt(events, 250).status).toBe('finished');
  });

  it('is null when nothing changes by itself', () => {
    expect(nextBoundaryAfter(events, at(250))).toBeNull();
    expect(nextBoundaryAfter([programSet(tabata)], at(0))).toBeNull();
    expect(nextBoundaryAfter([...events, paused(5)], at(6))).toBeNull();
    expect(nextBoundaryAfter([programSet(program({ preset: 'stopwatch' })), started(0)], at(11))).toBeNull();
  });

  it('follows a resume', () => {
    expect(nextBoundaryAfter([...events, paused(5), resumed(65)], at(65))).toBe(at(70));
  });
});
