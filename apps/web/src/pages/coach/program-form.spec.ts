import { describe, expect, it } from '@jest/globals';
import type { TimerState } from '#contracts';
import { checkProgram, initialDraft, programSummary } from './program-form.js';
import { actionsFor } from './timer-panel.js';

describe("the coach's timer program", () => {
  it('turns the default Tabata into the program the API will set, with its length', () => {
    const checked = checkProgram(initialDraft);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.input).toEqual({
      preset: 'tabata',
      prepareSec: 10,
      workSec: 20,
      restSec: 10,
      rounds: 8,
      cooldownSec: 0,
    });
    // 10 s prepare + 8 × 30 s.
    expect(programSummary(checked.program)).toBe('8 rounds · 4:10 in all');
  });

  it('says which field is wrong before anything is sent', () => {
    const empty = checkProgram({ ...initialDraft, workSec: '' });
    expect(empty).toEqual({ ok: false, problem: expect.stringMatching(/^workSec: /) });
    const tooLong = checkProgram({
      ...initialDraft,
      preset: 'custom',
      segments: [{ kind: 'work', label: '', seconds: '0' }],
    });
    expect(tooLong.ok).toBe(false);
  });

  it('sets custom segments that repeat until stopped, without a cool-down', () => {
    const checked = checkProgram({ ...initialDraft, preset: 'custom', unbounded: true, cooldownSec: '60' });
    expect(checked.ok && checked.input).toEqual({
      preset: 'custom',
      prepareSec: 10,
      segments: [
        { kind: 'work', label: 'Work', durationSec: 40 },
        { kind: 'rest', label: 'Rest', durationSec: 20 },
      ],
      rounds: 'unbounded',
    });
    expect(checked.ok && programSummary(checked.program)).toBe('repeats until stopped');
  });

  it('offers the timer commands its status allows', () => {
    const checked = checkProgram(initialDraft);
    const program = checked.ok ? checked.program : null;
    const timer = (status: TimerState['status']): TimerState => ({
      sessionId: 's_1',
      version: 1,
      status,
      program,
      round: 0,
      segmentIndex: null,
      stepIndex: null,
      phase: null,
      label: null,
      segmentDurationMs: null,
      remainingMs: null,
      elapsedMs: 0,
      cue: false,
      serverTime: 0,
    });
    expect(actionsFor(null)).toEqual([]);
    expect(actionsFor({ ...timer('idle'), program: null })).toEqual([]);
    expect(actionsFor(timer('idle'))).toEqual(['start']);
    expect(actionsFor(timer('running'))).toEqual(['pause', 'skip', 'reset']);
    expect(actionsFor(timer('paused'))).toEqual(['resume', 'skip', 'reset']);
    expect(actionsFor(timer('finished'))).toEqual(['reset']);
  });
});
