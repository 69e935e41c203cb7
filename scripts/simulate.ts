// Runs a simulated HRM gateway against NATS:
//   node dist/scripts/simulate.js --studio S --gateway G --athletes N
//     [--nats URL] [--tick-ms 1000] [--seed K] [--duration-s D]
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { connect } from '@nats-io/transport-node';
import { readPortMemory } from './stack/ports.js';
import { subjectToken, type ParseResult } from '#contracts';
import { createLogger, type Logger } from '#config';
import { SimulatedGateway } from './simulator/gateway.js';
import { hashString } from './simulator/random.js';

export { SimulatedGateway } from './simulator/gateway.js';
export type { SimulatedGatewayOptions, GatewayStats, StatusPublished } from './simulator/gateway.js';
export { GatewayModel, deviceIdFor, type GatewayModelOptions } from './simulator/gateway-model.js';
export { AthleteCurve, classPhaseAt, defaultClassPlan, type ClassPlan } from './simulator/athlete-curve.js';

export const USAGE =
  'usage: simulate --studio S --gateway G --athletes N [--nats URL] [--tick-ms 1000] [--seed K] [--duration-s D]';

const integerArg = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.int().min(min).max(max));

export const simulateOptions = z.strictObject({
  studio: subjectToken,
  gateway: subjectToken,
  athletes: integerArg(1, 500),
  nats: z.string().min(1),
  tickMs: integerArg(100, 60_000).default(1000),
  seed: integerArg(0, 0xffffffff).optional(),
  durationS: integerArg(1, 7 * 24 * 3600).optional(),
});
export type SimulateOptions = z.infer<typeof simulateOptions>;

/** Names each bad value after its flag: `--tick-ms: Too small: ...`. */
function describeArgIssues(error: z.ZodError): string {
  const flag = (key: PropertyKey | undefined) =>
    `--${String(key).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  return error.issues.map((issue) => `${flag(issue.path[0])}: ${issue.message}`).join('; ');
}

/** Reads the command line; a readable one-line error instead of a throw. */
/** The NATS of the stack `npm start` runs from this data directory, when it has run. */
function localStackNatsUrl(dataDir: string): string | undefined {
  const port = readPortMemory(dataDir).nats;
  return port === undefined ? undefined : `nats://127.0.0.1:${port}`;
}

export function parseSimulateArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ParseResult<SimulateOptions> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        studio: { type: 'string' },
        gateway: { type: 'string' },
        athletes: { type: 'string' },
        nats: { type: 'string' },
        'tick-ms': { type: 'string' },
        seed: { type: 'string' },
        'duration-s': { type: 'string' },
      },
    }).values;
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const missing = ['studio', 'gateway', 'athletes'].filter((name) => values[name] === undefined);
  if (missing.length > 0)
    return { ok: false, error: `missing ${missing.map((name) => `--${name}`).join(', ')}` };
  const parsed = simulateOptions.safeParse({
    studio: values.studio,
    gateway: values.gateway,
    athletes: values.athletes,
    nats:
      values.nats ??
      env.NATS_URL ??
      localStackNatsUrl(env.HRM_DATA_DIR ?? '.data') ??
      'nats://127.0.0.1:4222',
    tickMs: values['tick-ms'],
    seed: values.seed,
    durationS: values['duration-s'],
  });
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: describeArgIssues(parsed.error) };
}

/** Connects, runs the gateway until a signal or `--duration-s`, then drains. Resolves to the exit code. */
export async function runSimulator(options: SimulateOptions, log: Logger): Promise<number> {
  const nc = await connect({ servers: options.nats, name: `hrm-simulator-${options.gateway}` });
  const context = { studioId: options.studio, gatewayId: options.gateway };
  // Reproducible by default, yet two gateways draw different athletes.
  const seed = options.seed ?? hashString(options.gateway);
  let exitCode = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const gateway = new SimulatedGateway({
    nc,
    studioId: options.studio,
    gatewayId: options.gateway,
    athletes: options.athletes,
    tickMs: options.tickMs,
    seed,
    onStatus: ({ subject, status, stats }) =>
      log.info('status published', { ...context, subject, devices: status.devices.length, ...stats }),
    onError: (error) => {
      log.error('simulator stopped on an error', { ...context, error });
      exitCode = 1;
      finish();
    },
  });
  const onSignal = (signal: NodeJS.Signals) => {
    log.info('stopping', { ...context, signal });
    finish();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const deadline = options.durationS === undefined ? null : setTimeout(finish, options.durationS * 1000);
  void nc.closed().then((error) => {
    if (error) log.error('NATS connection closed', { ...context, error });
    exitCode = error ? 1 : exitCode;
    finish();
  });

  gateway.start();
  log.info('simulator started', {
    ...context,
    nats: options.nats,
    athletes: options.athletes,
    tickMs: options.tickMs,
    seed,
    deviceIds: gateway.deviceIds(),
  });
  await finished;

  gateway.stop();
  if (deadline !== null) clearTimeout(deadline);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (!nc.isClosed()) await nc.drain();
  log.info('simulator stopped', { ...context, ...gateway.stats() });
  return exitCode;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const parsed = parseSimulateArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`simulate: invalid arguments: ${parsed.error} (${USAGE})\n`);
    return 2;
  }
  const log = createLogger('simulator');
  try {
    return await runSimulator(parsed.value, log);
  } catch (error) {
    log.error('simulator failed', { error });
    return 1;
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = await main();
}
