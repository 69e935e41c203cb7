// The bench's command line: `bench <scenario> [--flag value ...]`. Scenarios
// declare their own flags.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ParseResult } from '#contracts';

const integerArg = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.int().min(min).max(max));

export const historyOptions = z.strictObject({
  athletes: integerArg(1, 500).default(30),
  minutes: integerArg(1, 600).default(60),
  runs: integerArg(1, 10_000).default(30),
  warmup: integerArg(0, 1000).default(5),
  seed: integerArg(0, 0xffffffff).default(1),
  out: z.string().min(1).default('bench/results'),
});
export type HistoryOptions = z.infer<typeof historyOptions>;

export const fanoutOptions = z.strictObject({
  screens: integerArg(1, 50_000).default(5000),
  classes: integerArg(1, 5000).default(200),
  athletes: integerArg(1, 100).default(5),
  seconds: integerArg(5, 3600).default(30),
  tick: integerArg(100, 10_000).default(1000),
  out: z.string().min(1).default('bench/results'),
});
export type FanoutOptions = z.infer<typeof fanoutOptions>;

export const scenarios = ['history', 'fanout'] as const;
export type Scenario = (typeof scenarios)[number];
export type BenchCommand =
  { scenario: 'history'; options: HistoryOptions } | { scenario: 'fanout'; options: FanoutOptions };

export const USAGE = [
  'usage: npm run bench -- history [--athletes 30] [--minutes 60] [--runs 30] [--warmup 5] [--seed 1] [--out bench/results]',
  '       npm run bench -- fanout [--screens 5000] [--classes 200] [--athletes 5] [--seconds 30] [--tick 1000] [--out bench/results]',
].join('\n');

/** Names each bad value after its flag: `--runs: Too small: ...`. */
function describeArgIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `--${String(issue.path[0])}: ${issue.message}`).join('; ');
}

export function parseBenchArgs(argv: readonly string[]): ParseResult<BenchCommand> {
  const [scenario, ...rest] = argv;
  if (scenario === 'history') {
    const parsed = parseFlags(historyOptions, rest);
    return parsed.ok ? { ok: true, value: { scenario, options: parsed.value } } : parsed;
  }
  if (scenario === 'fanout') {
    const parsed = parseFlags(fanoutOptions, rest);
    return parsed.ok ? { ok: true, value: { scenario, options: parsed.value } } : parsed;
  }
  return { ok: false, error: `unknown scenario ${scenario ?? '(none)'}: one of ${scenarios.join(', ')}` };
}

function parseFlags<S extends z.ZodObject>(schema: S, rest: readonly string[]): ParseResult<z.output<S>> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(Object.keys(schema.shape).map((name) => [name, { type: 'string' }])),
    }).values;
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const parsed = schema.safeParse(values);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: describeArgIssues(parsed.error) };
}
