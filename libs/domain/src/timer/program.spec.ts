import { describe, expect, it } from '@jest/globals';
import { timerProgramInput } from '#contracts';
import { normalizeTimerProgram, stepAt, stepCount, totalMs } from './program.js';

const normalize = (input: unknown) => normalizeTimerProgram(timerProgramInput.parse(input));

describe('normalizeTimerProgram', () => {
  it('expands each preset', () => {
    expect(normalize({ preset: 'tabata' })).toEqual({
      ok: true,
      program: {
        preset: 'tabata',
        prepareSec: 10,
        segments: [
          { kind: 'work', label: 'Work', durationSec: 20 },
          { kind: 'rest', label: 'Rest', durationSec: 10 },
        ],
        rounds: 8,
        cooldownSec: 0,
      },
    });
    expect(normalize({ preset: 'emom', minutes: 10 })).toMatchObject({
      program: { segments: [{ kind: 'work', label: 'Minute', durationSec: 60 }], rounds: 10 },
    });
    expect(normalize({ preset: 'amrap', minutes: 12, prepareSec: 0 })).toMatchObject({
      program: { prepareSec: 0, segments: [{ kind: 'work', label: 'AMRAP', durationSec: 720 }], rounds: 1 },
    });
    expect(normalize({ preset: 'stopwatch' })).toMatchObject({ program: { segments: [], rounds: 1 } });
  });

  it('labels custom segments by their kind unless given', () => {
    const result = normalize({
      preset: 'custom',
      segments: [
        { kind: 'warmup', durationSec: 60 },
        { kind: 'work', label: ' Hill ', durationSec: 40 },
      ],
      rounds: 'unbounded',
    });
    expect(result).toMatchObject({
      program: { segments: [{ label: 'Warm-up' }, { label: 'Hill' }], rounds: 'unbounded', cooldownSec: 0 },
    });
  });

  it('refuses a cool-down that unbounded rounds never reach', () => {
    expect(
      normalize({
        preset: 'custom',
        segments: [{ kind: 'work', durationSec: 30 }],
        rounds: 'unbounded',
        cooldownSec: 60,
      }),
    ).toMatchObject({ ok: false, errors: [{ path: 'cooldownSec' }] });
  });

  it('refuses a program longer than 4 hours', () => {
    const result = normalize({
      preset: 'custom',
      segments: [{ kind: 'work', durationSec: 3600 }],
      rounds: 5,
    });
    expect(result).toMatchObject({ ok: false, errors: [{ path: '(root)' }] });
  });

  it('leaves zero-length and out-of-bounds input to the schema', () => {
    for (const input of [
      { preset: 'custom', segments: [], rounds: 3 },
      { preset: 'custom', segments: [{ kind: 'work', durationSec: 0 }], rounds: 3 },
      { preset: 'custom', segments: [{ kind: 'work', durationSec: 10 }], rounds: 0 },
      { preset: 'emom', minutes: 0 },
      { preset: 'amrap' },
      { preset: 'tabata', prepareSec: -1 },
      { preset: 'tabata', extra: true },
      { preset: 'boxing' },
    ]) {
      expect(timerProgramInput.safeParse(input).success).toBe(false);
    }
  });
});

describe('steps', () => {
  const ok = normalize({
    preset: 'custom',
    prepareSec: 5,
    segments: [
      { kind: 'work', durationSec: 40 },
      { kind: 'rest', durationSec: 20 },
    ],
    rounds: 2,
    cooldownSec: 30,
  });
  if (!ok.ok) throw new Error('fixture');
  const { program } = ok;

  it('flattens prepare, each round, and the cool-down, back to back', () => {
    expect(stepCount(program)).toBe(6);
    expect(totalMs(program)).toBe(155_000);
    const steps = Array.from({ length: 7 }, (_, index) => stepAt(program, index));
    expect(
      steps.map((step) => step && [step.phase, step.round, step.segmentIndex, step.startMs, step.durationMs]),
    ).toEqual([
      ['prepare', 0, null, 0, 5_000],
      ['work', 1, 0, 5_000, 40_000],
      ['rest', 1, 1, 45_000, 20_000],
      ['work', 2, 0, 65_000, 40_000],
      ['rest', 2, 1, 105_000, 20_000],
      ['cooldown', 2, null, 125_000, 30_000],
      null,
    ]);
  });
});
