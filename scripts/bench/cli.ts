// The bench's command line: `bench <scenario> [--flag value ...]`. Scenarios
// declare their own flags.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { valuesEncoding, type ParseResult } from '#contracts';

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
  /** How screens take hrm:values: the documented objects, or compact frames (docs/contracts/live.md). */
  encoding: valuesEncoding.default('objects'),
  out: z.string().min(1).default('bench/results'),
});
export type FanoutOptions = z.infer<typeof fanoutOptions>;

export const latencyOptions = z.strictObject({
  classes: integerArg(1, 500).default(100),
  athletes: integerArg(1, 100).default(30),
  screens: integerArg(1, 50_000).default(1000),
  seconds: integerArg(5, 3600).default(60),
  tick: integerArg(100, 10_000).default(1000),
  /** How screens take hrm:values: the documented objects, or compact frames (docs/contracts/live.md). */
  encoding: valuesEncoding.default('objects'),
  out: z.string().min(1).default('bench/results'),
});
export type LatencyOptions = z.infer<typeof latencyOptions>;

export const memoryOptions = z.strictObject({
  /** Screens at the last step; they connect `step` at a time, with a heap snapshot at each step (and one without). */
  screens: integerArg(1, 50_000).default(2000),
  step: integerArg(1, 50_000).default(1000),
  classes: integerArg(1, 5000).default(200),
  athletes: integerArg(1, 100).default(5),
  tick: integerArg(100, 10_000).default(1000),
  /** Seconds of frames at each step before its snapshot, the gauge read every tick. */
  settle: integerArg(1, 600).default(10),
  encoding: valuesEncoding.default('objects'),
  /** Constructors listed, largest growth first. */
  top: integerArg(1, 1000).default(40),
  /** Keep the heap snapshots in this directory (to open in Chrome DevTools); by default they are deleted once read. */
  keep: z.string().min(1).optional(),
  out: z.string().min(1).default('bench/results'),
});
export type MemoryOptions = z.infer<typeof memoryOptions>;

/** Flags as typed on the command line (dashed names), before they become options. */
const throughputFlags = z.strictObject({
  classes: integerArg(1, 500).default(50),
  athletes: integerArg(1, 500).default(30),
  'start-rate': integerArg(1, 1_000_000).default(2000),
  step: integerArg(1, 1_000_000).default(2000),
  'max-rate': integerArg(1, 1_000_000).default(60_000),
  hold: integerArg(2, 3600).default(30),
  batch: integerArg(1, 500).default(30),
  /**
   * Spacing of an athlete's samples (ms): 1000 is a strap's 1 Hz, so history's
   * minute chunks hold what they hold in a studio (timestamps then run ahead of
   * the clock when an athlete gets more than one sample a second); 0 spaces
   * them so that at --max-rate they keep pace with the clock.
   */
  'sample-ms': integerArg(0, 60_000).default(1000),
  /** Backlog growth allowed over the second half of a hold, in percent of the rate. */
  tolerance: integerArg(0, 100).default(2),
  /** Write a V8 CPU profile of this service (node --cpu-prof) and name its hot functions. */
  profile: z.enum(['none', 'ingest', 'api']).default('none'),
  out: z.string().min(1).default('bench/results'),
});

export const throughputOptions = throughputFlags
  .transform((flags) => ({
    classes: flags.classes,
    athletes: flags.athletes,
    startRate: flags['start-rate'],
    step: flags.step,
    maxRate: flags['max-rate'],
    holdS: flags.hold,
    batch: flags.batch,
    sampleMs: flags['sample-ms'],
    tolerance: flags.tolerance / 100,
    profile: flags.profile,
    out: flags.out,
  }))
  .refine((options) => options.startRate <= options.maxRate, {
    path: ['start-rate'],
    message: 'must not be above --max-rate',
  });
export type ThroughputOptions = z.infer<typeof throughputOptions>;

/** Flags of the startup scenario (docs/PERFORMANCE.md, "Startup"). */
const startupFlags = z.strictObject({
  'ended-classes': integerArg(1, 1_000_000).default(50_000),
  /** Starts of each service on each log, alternating empty and written. */
  repeat: integerArg(1, 100).default(5),
  /** Starts of each service on each log before those measured (caches, consumers created). */
  warmup: integerArg(0, 10).default(1),
  /** Ended classes of last month a screen subscribes to, one after the other. */
  snapshots: integerArg(1, 200).default(10),
  /** Seconds after ready before RSS is read again: work a service still does once it says ready. */
  settle: integerArg(0, 120).default(2),
  /** Seconds between two heart-rate events of a class of the last week (a gateway sends every second). */
  'hr-every': integerArg(1, 600).default(10),
  /** How long a start may take before the run fails. */
  'ready-timeout': integerArg(5, 3600).default(600),
  seed: integerArg(0, 0xffffffff).default(1),
  /** A small run to check that the scenario works: 2 000 classes, 2 starts, 3 snapshots, unless given. */
  fast: z.boolean().default(false),
  out: z.string().min(1).default('bench/results'),
});

const FAST_FLAGS = { 'ended-classes': '2000', repeat: '2', snapshots: '3', settle: '1' };

export const startupOptions = startupFlags.transform((flags) => ({
  endedClasses: flags['ended-classes'],
  repeat: flags.repeat,
  warmup: flags.warmup,
  snapshots: flags.snapshots,
  settleS: flags.settle,
  hrEveryS: flags['hr-every'],
  readyTimeoutS: flags['ready-timeout'],
  seed: flags.seed,
  fast: flags.fast,
  out: flags.out,
}));
export type StartupOptions = z.infer<typeof startupOptions>;

/** Flags of the NATS auth cost scenario (docs/PERFORMANCE.md, "NATS auth"). */
export const natsAuthCostOptions = z.strictObject({
  /** Gateways publishing, each its own connection. */
  gateways: integerArg(1, 1000).default(50),
  /** Samples in a gateway's message. */
  batch: integerArg(1, 500).default(30),
  /** Gateway messages through the stream in each round and side. */
  messages: integerArg(100, 10_000_000).default(20_000),
  /** Publish-to-ack round trips timed in each round and side. */
  acks: integerArg(10, 1_000_000).default(2000),
  /** Gateway connections opened in each round and side. */
  connects: integerArg(1, 10_000).default(20),
  rounds: integerArg(1, 100).default(5),
  out: z.string().min(1).default('bench/results'),
});
export type NatsAuthCostOptions = z.infer<typeof natsAuthCostOptions>;

/** Flags of the class screen scenario (docs/PERFORMANCE.md, "Class screen in Chromium"). */
export const screenOptions = z.strictObject({
  /** Athletes in the class, each with a strap the gateway hears once a second. */
  athletes: integerArg(1, 200).default(40),
  /** Seconds measured, one gateway batch (a sample of every athlete) a second. */
  seconds: integerArg(5, 3600).default(60),
  /** Seconds of batches before measuring (first frames, the page's code warmed up). */
  warmup: integerArg(0, 600).default(5),
  /** Run the class's interval timer (a stopwatch) while measuring, as in most classes. */
  timer: z.boolean().default(false),
  out: z.string().min(1).default('bench/results'),
});
export type ScreenOptions = z.infer<typeof screenOptions>;

export const scenarios = [
  'history',
  'throughput',
  'fanout',
  'latency',
  'memory',
  'startup',
  'nats-auth',
  'screen',
] as const;
export type Scenario = (typeof scenarios)[number];
export type BenchCommand =
  | { scenario: 'history'; options: HistoryOptions }
  | { scenario: 'throughput'; options: ThroughputOptions }
  | { scenario: 'fanout'; options: FanoutOptions }
  | { scenario: 'latency'; options: LatencyOptions }
  | { scenario: 'memory'; options: MemoryOptions }
  | { scenario: 'startup'; options: StartupOptions }
  | { scenario: 'nats-auth'; options: NatsAuthCostOptions }
  | { scenario: 'screen'; options: ScreenOptions };

export const USAGE = [
  'usage: npm run bench -- history [--athletes 30] [--minutes 60] [--runs 30] [--warmup 5] [--seed 1] [--out bench/results]',
  '       npm run bench -- throughput [--classes 50] [--athletes 30] [--start-rate 2000] [--step 2000] [--max-rate 60000]',
  '                                   [--hold 30] [--batch 30] [--sample-ms 1000] [--tolerance 2] [--profile none|ingest|api]',
  '                                   [--out bench/results]',
  '       npm run bench -- fanout [--screens 5000] [--classes 200] [--athletes 5] [--seconds 30] [--tick 1000] [--encoding objects|compact] [--out bench/results]',
  '       npm run bench -- latency [--classes 100] [--athletes 30] [--screens 1000] [--seconds 60] [--tick 1000] [--encoding objects|compact] [--out bench/results]',
  '       npm run bench -- memory [--screens 2000] [--step 1000] [--classes 200] [--athletes 5] [--tick 1000] [--settle 10] [--encoding objects|compact] [--top 40] [--keep DIR] [--out bench/results]',
  '       npm run bench -- startup [--ended-classes 50000] [--repeat 5] [--warmup 1] [--snapshots 10] [--settle 2] [--hr-every 10]',
  '                                [--ready-timeout 600] [--seed 1] [--fast] [--out bench/results]',
  '       npm run bench -- nats-auth [--gateways 50] [--batch 30] [--messages 20000] [--acks 2000] [--connects 20] [--rounds 5] [--out bench/results]',
  '       npm run bench -- screen [--athletes 40] [--seconds 60] [--warmup 5] [--timer] [--out bench/results]',
].join('\n');

/** Names each bad value after its flag: `--runs: Too small: ...`. */
function describeArgIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `--${String(issue.path[0])}: ${issue.message}`).join('; ');
}

/** Every flag takes a value (`--name value`), but those named in `switches` (`--fast`). */
function flagValues(
  args: readonly string[],
  names: readonly string[],
  switches: readonly string[] = [],
): ParseResult<Record<string, string | boolean | undefined>> {
  try {
    const { values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        names.map((name) => [name, { type: switches.includes(name) ? 'boolean' : 'string' }]),
      ),
    });
    return { ok: true, value: values };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function parseBenchArgs(argv: readonly string[]): ParseResult<BenchCommand> {
  const [scenario, ...rest] = argv;
  if (scenario === 'history') {
    const values = flagValues(rest, Object.keys(historyOptions.shape));
    if (!values.ok) return values;
    const parsed = historyOptions.safeParse(values.value);
    return parsed.success
      ? { ok: true, value: { scenario, options: parsed.data } }
      : { ok: false, error: describeArgIssues(parsed.error) };
  }
  if (scenario === 'throughput') {
    const values = flagValues(rest, Object.keys(throughputFlags.shape));
    if (!values.ok) return values;
    const parsed = throughputOptions.safeParse(values.value);
    return parsed.success
      ? { ok: true, value: { scenario, options: parsed.data } }
      : { ok: false, error: describeArgIssues(parsed.error) };
  }
  if (scenario === 'fanout') {
    const values = flagValues(rest, Object.keys(fanoutOptions.shape));
    if (!values.ok) return values;
    const parsed = fanoutOptions.safeParse(values.value);
    return parsed.success
      ? { ok: true, value: { scenario, options: parsed.data } }
      : { ok: false, error: describeArgIssues(parsed.error) };
  }
  if (scenario === 'latency') {
    const values = flagValues(rest, Object.keys(latencyOptions.shape));
    if (!values.ok) return values;
    const parsed = latencyOptions.safeParse(values.value);
    return parsed.success
      ? { ok: true, value: { scenario, options: parsed.data } }
      : { ok: false, error: describeArgIssues(parsed.error) };
  }
  if (scenario === 'memory') {
    const values = flagValues(rest, Object.keys(memoryOptions.shape));
    if (!values.ok) return values;
    const parsed = memoryOptions.safeParse(values.value);
    return parsed.success
      ? { ok: true, value: { scenario, options: parsed.data } }
      : { ok: false, error: describeArgIssues(parsed.error) };
  }
  if (scenario === 'startup') {
    const values = flagValues(rest, Object.keys(startupFlags.shape), ['fast']);
    if (!values.ok) return values;
    const flags = values.value.fast === true ? { ...FAST_FLAGS, ...values.value } : values.value;
    const parsed = startupOptions.safeParse(flags);
    return parsed.success
      ? { ok: true, value: { scenario, options: parsed.data } }
      : { ok: false, error: describeArgIssues(parsed.error) };
  }
  if (scenario === 'nats-auth') {
    const values = flagValues(rest, Object.keys(natsAuthCostOptions.shape));
    if (!values.ok) return values;
    const parsed = natsAuthCostOptions.safeParse(values.value);
    return parsed.success
      ? { ok: true, value: { scenario, options: parsed.data } }
      : { ok: false, error: describeArgIssues(parsed.error) };
  }
  if (scenario === 'screen') {
    const values = flagValues(rest, Object.keys(screenOptions.shape), ['timer']);
    if (!values.ok) return values;
    const parsed = screenOptions.safeParse(values.value);
    return parsed.success
      ? { ok: true, value: { scenario, options: parsed.data } }
      : { ok: false, error: describeArgIssues(parsed.error) };
  }
  return { ok: false, error: `unknown scenario ${scenario ?? '(none)'}: one of ${scenarios.join(', ')}` };
}
