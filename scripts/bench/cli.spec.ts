import { describe, expect, it } from '@jest/globals';
import { parseBenchArgs } from './cli.js';

describe('bench command line', () => {
  it('takes a scenario and its flags, with defaults', () => {
    expect(parseBenchArgs(['history', '--athletes', '12', '--runs', '5'])).toEqual({
      ok: true,
      value: {
        scenario: 'history',
        options: { athletes: 12, minutes: 60, runs: 5, warmup: 5, seed: 1, out: 'bench/results' },
      },
    });
  });

  it('refuses an unknown scenario, an unknown flag and a bad number', () => {
    expect(parseBenchArgs(['fanout'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('history'),
    });
    expect(parseBenchArgs(['history', '--bogus', '1'])).toMatchObject({ ok: false });
    expect(parseBenchArgs(['history', '--runs', '0'])).toEqual({
      ok: false,
      error: expect.stringMatching(/^--runs: /),
    });
  });
});
