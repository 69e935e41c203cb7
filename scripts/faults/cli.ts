// The fault suite's command line: `faults <scenario> [--flag value ...]`.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ParseResult } from '#contracts';

const integerArg = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.int().min(min).max(max));

export const killTargets = ['ingest', 'nats', 'postgres', 'realtime'] as const;
export type KillTarget = (typeof killTargets)[number];

export const killOptions = z.strictObject({
  athletes: integerArg(1, 100).default(8),
  /** Seconds of load in all: before the kill, while the process is down, and after its restart. */
  seconds: integerArg(6, 3600).default(40),
  /** Seconds of load before the SIGKILL. */
  'kill-after': integerArg(1, 3600).default(10),
  /** Seconds the process stays down before it is started again. */
  down: integerArg(0, 600).default(3),
  /** One gateway batch (a sample per athlete) every this many ms. */
  interval: integerArg(20, 10_000).default(250),
  seed: integerArg(0, 0xffffffff).default(1),
  out: z.string().min(1).default('bench/results'),
});
export type KillOptions = z.infer<typeof killOptions>;

export const fuzzOptions = z.strictObject({
  /** Inputs per surface (gateway, sockets, REST). */
  count: integerArg(1, 100_000).default(2000),
  seed: integerArg(0, 0xffffffff).default(1),
  out: z.string().min(1).default('bench/results'),
});
export type FuzzOptions = z.infer<typeof fuzzOptions>;

export const scenarios = [
  'ingest-kill',
  'nats-kill',
  'postgres-kill',
  'realtime-kill',
  'fuzz',
  'all',
] as const;
export type FaultsCommand =
  | { scenario: 'kill'; target: KillTarget; options: KillOptions }
  | { scenario: 'fuzz'; options: FuzzOptions }
  | { scenario: 'all'; kill: KillOptions; fuzz: FuzzOptions };

export const USAGE = [
  'usage: npm run faults -- ingest-kill|nats-kill|postgres-kill|realtime-kill [--athletes 8] [--seconds 40] [--kill-after 10]',
  '                         [--down 3] [--interval 250] [--seed 1] [--out bench/results]',
  '       npm run faults -- fuzz [--count 2000] [--seed 1] [--out bench/results]',
  '       npm run faults -- all [--seed 1] [--out bench/results]   (every scenario with its defaults, one after the other)',
].join('\n');

function parseFlags<T extends z.ZodType>(
  schema: T,
  names: readonly string[],
  args: readonly string[],
): ParseResult<z.infer<T>> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(names.map((name) => [name, { type: 'string' }])),
    }).values;
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    error: parsed.error.issues.map((issue) => `--${String(issue.path[0])}: ${issue.message}`).join('; '),
  };
}

export function parseFaultsArgs(argv: readonly string[]): ParseResult<FaultsCommand> {
  const [scenario, ...rest] = argv;
  const target = killTargets.find((name) => `${name}-kill` === scenario);
  if (target !== undefined) {
    const options = parseFlags(killOptions, Object.keys(killOptions.shape), rest);
    if (!options.ok) return options;
    if (options.value['kill-after'] + options.value.down >= options.value.seconds)
      return { ok: false, error: '--seconds: must be more than --kill-after plus --down' };
    return { ok: true, value: { scenario: 'kill', target, options: options.value } };
  }
  if (scenario === 'fuzz') {
    const options = parseFlags(fuzzOptions, Object.keys(fuzzOptions.shape), rest);
    return options.ok ? { ok: true, value: { scenario: 'fuzz', options: options.value } } : options;
  }
  if (scenario === 'all') {
    const common = parseFlags(
      z.strictObject({ seed: fuzzOptions.shape.seed, out: fuzzOptions.shape.out }),
      ['seed', 'out'],
      rest,
    );
    if (!common.ok) return common;
    return {
      ok: true,
      value: {
        scenario: 'all',
        kill: { ...killOptions.parse({}), ...common.value },
        fuzz: { ...fuzzOptions.parse({}), ...common.value },
      },
    };
  }
  return { ok: false, error: `unknown scenario ${scenario ?? '(none)'}: one of ${scenarios.join(', ')}` };
}
