// The fault suite's scenarios (npm run faults), short: each starts a stack of
// its own, kills one process with SIGKILL under load (or fuzzes every surface)
// and must meet the criteria of docs/RELIABILITY.md.
import { describe, expect, it } from '@jest/globals';
import { killOptions, fuzzOptions, type KillTarget } from '../scripts/faults/cli.js';
import { runFuzz } from '../scripts/faults/fuzz.js';
import { runKill } from '../scripts/faults/kill.js';

const quiet = () => undefined;
const short = killOptions.parse({
  athletes: '4',
  seconds: '13',
  'kill-after': '3',
  down: '2',
  interval: '250',
});

describe('fault suite, short runs', () => {
  it.each<KillTarget>(['ingest', 'nats', 'postgres', 'realtime'])(
    '%s killed under load: every acked sample once everywhere, screens back in 5 s, no 5xx, no other exit',
    async (target) => {
      const result = await runKill(target, short, quiet, { drainMs: 15_000 });
      expect(result.criteria.filter((each) => !each.ok)).toEqual([]);
      expect(result.acked).toBeGreaterThan(0);
    },
    120_000,
  );

  it('fuzz: nothing exits or answers 5xx, the control class does not change, a new class still works', async () => {
    const result = await runFuzz(fuzzOptions.parse({ count: '120', seed: '7' }), quiet);
    expect(result.failures.slice(0, 10)).toEqual([]);
    expect(result.criteria.filter((each) => !each.ok)).toEqual([]);
  }, 180_000);
});
