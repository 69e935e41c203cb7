// A simulated HRM gateway on NATS (npm run simulate -- --help for the options).
// It imports nothing of the local stack but the reader of its ports file: the
// stack's process handling must not decide how this process exits.
import { pathToFileURL } from 'node:url';
import { createLogger } from '#config';
import { USAGE, parseSimulateArgs } from './simulator/options.js';
import { runSimulator, type SimulatorOutput } from './simulator/run.js';

export { SimulatedGateway } from './simulator/gateway.js';
export type { SimulatedGatewayOptions, GatewayStats, StatusPublished } from './simulator/gateway.js';
export { GatewayModel, deviceIdFor, type GatewayModelOptions } from './simulator/gateway-model.js';
export { AthleteCurve, classPhaseAt, defaultClassPlan, type ClassPlan } from './simulator/athlete-curve.js';
export { USAGE, parseSimulateArgs, type SimulateOptions } from './simulator/options.js';

const processOutput: SimulatorOutput = {
  say: (line) => process.stdout.write(line + '\n'),
  fail: (line) => process.stderr.write(line + '\n'),
  log: createLogger('simulator'),
};

/** Resolves to the exit code: 0 for --help and a stop by signal or --duration-s, 2 for bad arguments, 1 for a failure. */
export async function main(
  argv: readonly string[] = process.argv.slice(2),
  output: SimulatorOutput = processOutput,
): Promise<number> {
  const parsed = parseSimulateArgs(argv);
  if (!parsed.ok) {
    output.fail(`simulate: ${parsed.error} (npm run simulate -- --help lists the options)`);
    return 2;
  }
  if (parsed.value.kind === 'help') {
    output.say(USAGE);
    return 0;
  }
  try {
    return await runSimulator(parsed.value.options, output);
  } catch (error) {
    output.fail(`simulate: failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = await main();
}
