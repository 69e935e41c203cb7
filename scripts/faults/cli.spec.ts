import { describe, expect, it } from '@jest/globals';
import { parseFaultsArgs } from './cli.js';

describe('parseFaultsArgs', () => {
  it('takes a kill scenario with its defaults, or with flags', () => {
    const parsed = parseFaultsArgs(['nats-kill', '--down', '5']);
    expect(parsed).toMatchObject({ ok: true, value: { scenario: 'kill', target: 'nats' } });
    if (parsed.ok && parsed.value.scenario === 'kill')
      expect(parsed.value.options).toMatchObject({ athletes: 8, seconds: 40, 'kill-after': 10, down: 5 });
  });

  it('takes fuzz and all, which passes its seed to every scenario', () => {
    expect(parseFaultsArgs(['fuzz', '--count', '50'])).toMatchObject({
      ok: true,
      value: { scenario: 'fuzz', options: { count: 50, seed: 1 } },
    });
    expect(parseFaultsArgs(['all', '--seed', '9'])).toMatchObject({
      ok: true,
      value: { scenario: 'all', kill: { seed: 9 }, fuzz: { seed: 9, count: 2000 } },
    });
  });

  it('refuses what it cannot run, naming the flag', () => {
    expect(parseFaultsArgs(['api-kill'])).toMatchObject({ ok: false });
    expect(parseFaultsArgs(['ingest-kill', '--seconds', '5'])).toEqual({
      ok: false,
      error: expect.stringMatching(/^--seconds:/),
    });
    expect(parseFaultsArgs(['ingest-kill', '--seconds', '12', '--kill-after', '10', '--down', '3'])).toEqual({
      ok: false,
      error: '--seconds: must be more than --kill-after plus --down',
    });
    expect(parseFaultsArgs(['fuzz', '--nope', '1'])).toMatchObject({ ok: false });
  });
});
