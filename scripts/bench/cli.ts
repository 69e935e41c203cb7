// The bench's command line: `bench <scenario> [--flag value ...]`. Scenarios
// declare their own flags; a later issue adds throughput, latency and fan-out.
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

export const scenarios = ['history'] as const;
export type Scenario = (typeof scenarios)[number];
export type BenchCommand = { scenario: 'history'; options: HistoryOptions };

export const USAGE =
  'usage: npm run bench -- history [--athletes 30] [--minutes 60] [--runs 30] [--warmup 5] [--seed 1] [--out bench/results]';

/** Names each bad value after its flag: `--runs: Too small: ...`. */
function describeArgIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `--${String(issue.path[0])}: ${issue.message}`).join('; ');
}

export function parseBenchArgs(argv: readonly string[]): ParseResult<BenchCommand> {
  const [scenario, ...rest] = argv;
  if (scenario !== 'history') {
    return { ok: false, error: `unknown scenario ${scenario ?? '(none)'}: one of ${scenarios.join(', ')}` };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        Object.keys(historyOptions.shape).map((name) => [name, { type: 'string' }]),
      ),
    }).values;
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const parsed = historyOptions.safeParse(values);
  return parsed.success
    ? { ok: true, value: { scenario, options: parsed.data } }
    : { ok: false, error: describeArgIssues(parsed.error) };
}
