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

  it('takes the fanout scenario with its own flags', () => {
    expect(parseBenchArgs(['fanout', '--screens', '200', '--classes', '20'])).toEqual({
      ok: true,
      value: {
        scenario: 'fanout',
        options: { screens: 200, classes: 20, athletes: 5, seconds: 30, tick: 1000, out: 'bench/results' },
      },
    });
    expect(parseBenchArgs(['fanout', '--runs', '3'])).toMatchObject({ ok: false });
  });

  it('refuses an unknown scenario, an unknown flag and a bad number', () => {
    expect(parseBenchArgs(['throughput'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('history, fanout'),
    });
    expect(parseBenchArgs(['history', '--bogus', '1'])).toMatchObject({ ok: false });
    expect(parseBenchArgs(['history', '--runs', '0'])).toEqual({
      ok: false,
      error: expect.stringMatching(/^--runs: /),
    });
  });
});
