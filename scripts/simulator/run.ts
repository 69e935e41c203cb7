// Runs the simulated gateway until Ctrl-C, SIGTERM, --duration-s or a failure,
// and says so: lines for a person, or JSON lines with --json. Resolves to the
// process's exit code; a failure is one line on stderr and a code above 0.
import {
  AuthorizationError,
  PermissionViolationError,
  connect,
  type NatsConnection,
} from '@nats-io/transport-node';
import { natsServers, type Logger } from '#config';
import { gatewayInboxPrefix, natsClientOptions } from '#nats-auth';
import { defaultClassPlan, withWarmup } from './athlete-curve.js';
import { SimulatedGateway, type GatewayStats } from './gateway.js';
import { describeNatsSource } from './nats-url.js';
import type { SimulateOptions } from './options.js';
import { hashString } from './random.js';
import { describeProgress, describeStart, describeStop, type StopReason } from './report.js';

/** How long connecting to NATS may take before the simulator gives up. */
const CONNECT_TIMEOUT_MS = 5000;
/** How long the pending samples may take to flush on stop. */
const DRAIN_TIMEOUT_MS = 3000;

export interface SimulatorOutput {
  /** A line for a person (stdout); not called with --json. */
  say(line: string): void;
  /** The one line that says why the simulator failed (stderr). */
  fail(line: string): void;
  /** JSON lines with --json. */
  log: Logger;
}

type Ending = StopReason | { kind: 'failed'; message: string };

/** Why the server would not have us, and what to do about it. */
function refusal(options: SimulateOptions, error: AuthorizationError): string {
  const where = `NATS at ${options.nats} (${describeNatsSource(options.natsSource)})`;
  if (options.creds === undefined)
    return (
      `${where} refused the connection: ${error.message}. It requires credentials: register the ` +
      `gateway (POST /api/v1/studios/${options.studio}/gateways {"gatewayId":"${options.gateway}"} ` +
      `answers its creds file) and give --creds FILE.`
    );
  return (
    `${where} refused the credentials in ${options.creds}: ${error.message}. ` +
    `Were they revoked, or issued by another platform? Register the gateway again for new ones.`
  );
}

async function connectOrExplain(options: SimulateOptions): Promise<NatsConnection | string> {
  try {
    return await connect({
      servers: natsServers(options.nats),
      name: `hrm-simulator-${options.gateway}`,
      timeout: CONNECT_TIMEOUT_MS,
      ...natsClientOptions({ credsFile: options.creds, caFile: options.tlsCa }),
      // A gateway may hear only its own inbox (the replies to what it publishes).
      ...(options.creds !== undefined && {
        inboxPrefix: gatewayInboxPrefix(options.studio, options.gateway),
      }),
    });
  } catch (error) {
    if (error instanceof AuthorizationError) return refusal(options, error);
    const reason = error instanceof Error ? error.message : String(error);
    const hint =
      options.natsSource.kind === 'stack'
        ? ' Is `npm start` running? Or give --nats URL.'
        : options.natsSource.kind === 'flag'
          ? ''
          : ' Start NATS, or give --nats URL.';
    return `cannot reach NATS at ${options.nats} (${describeNatsSource(options.natsSource)}): ${reason}.${hint}`;
  }
}

export async function runSimulator(options: SimulateOptions, output: SimulatorOutput): Promise<number> {
  const context = { studioId: options.studio, gatewayId: options.gateway };
  const connected = await connectOrExplain(options);
  if (typeof connected === 'string') {
    if (options.json) output.log.error('simulator failed', { ...context, error: connected });
    output.fail(`simulate: ${connected}`);
    return 1;
  }
  const nc = connected;
  const plan =
    options.warmupS === undefined ? defaultClassPlan : withWarmup(defaultClassPlan, options.warmupS);
  // Reproducible by default, yet two gateways draw different athletes.
  const seed = options.seed ?? hashString(options.gateway);
  let ending: Ending | null = null;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const end = (why: Ending) => {
    ending ??= why;
    finish();
  };
  const startedAt = Date.now();
  let previous = { at: startedAt, samples: 0 };

  const gateway = new SimulatedGateway({
    nc,
    studioId: options.studio,
    gatewayId: options.gateway,
    athletes: options.athletes,
    deviceIds: options.devices,
    tickMs: options.tickMs,
    seed,
    plan,
    onStatus: ({ subject, status, stats }) => {
      if (options.json) {
        output.log.info('status published', {
          ...context,
          subject,
          devices: status.devices.length,
          ...stats,
        });
        return;
      }
      const now = Date.now();
      const samplesPerS = ((stats.samples - previous.samples) * 1000) / Math.max(1, now - previous.at);
      previous = { at: now, samples: stats.samples };
      output.say(describeProgress({ snapshot: gateway.snapshot(), plan, stats, samplesPerS }));
    },
    onError: (error) => end({ kind: 'failed', message: `stopped on an error: ${error.message}` }),
  });

  const onSignal = (signal: NodeJS.Signals) => end({ kind: 'signal', signal });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const deadline =
    options.durationS === undefined
      ? null
      : setTimeout(() => end({ kind: 'duration' }), options.durationS * 1000);
  void nc.closed().then((error) =>
    end({
      kind: 'failed',
      message: `lost NATS at ${options.nats}: ${error instanceof Error ? error.message : 'the connection closed'}`,
    }),
  );
  void watchConnection(nc, options, output, (message) => end({ kind: 'failed', message }));

  gateway.start();
  const deviceIds = gateway.deviceIds();
  if (options.json) {
    output.log.info('simulator started', {
      ...context,
      nats: options.nats,
      athletes: deviceIds.length,
      tickMs: options.tickMs,
      warmupS: plan.restingS + plan.warmupS,
      seed,
      deviceIds,
    });
  } else {
    const { nats, natsSource, tickMs, durationS } = options;
    const info = { studioId: options.studio, gatewayId: options.gateway, deviceIds, plan };
    for (const line of describeStart({ ...info, nats, natsSource, tickMs, durationS })) output.say(line);
  }
  await finished;

  gateway.stop();
  if (deadline !== null) clearTimeout(deadline);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await drain(nc);
  const stats = gateway.stats();
  const elapsedS = (Date.now() - startedAt) / 1000;
  return report(ending ?? { kind: 'duration' }, stats, elapsedS, options, output);
}

function report(
  ending: Ending,
  stats: GatewayStats,
  elapsedS: number,
  options: SimulateOptions,
  output: SimulatorOutput,
): number {
  const context = { studioId: options.studio, gatewayId: options.gateway };
  if (ending.kind === 'failed') {
    if (options.json) output.log.error('simulator failed', { ...context, error: ending.message, ...stats });
    output.fail(`simulate: ${ending.message} (${stats.samples} samples sent)`);
    return 1;
  }
  if (options.json) {
    const signal = ending.kind === 'signal' ? ending.signal : undefined;
    output.log.info('simulator stopped', { ...context, signal, ...stats });
  } else output.say(describeStop(ending, stats, elapsedS));
  return 0;
}

/** Flushes what is still buffered, but never waits long for a NATS that is gone. */
async function drain(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), DRAIN_TIMEOUT_MS)),
  );
  const drained = nc.drain().then(
    () => 'drained' as const,
    () => 'failed' as const,
  );
  if ((await Promise.race([drained, timedOut])) !== 'drained') await nc.close().catch(() => undefined);
  clearTimeout(timer);
}

/**
 * Tells a person when NATS goes away and comes back (the client reconnects by
 * itself), and stops on a publish the server refuses: creds of another gateway.
 */
async function watchConnection(
  nc: NatsConnection,
  options: SimulateOptions,
  output: SimulatorOutput,
  fail: (message: string) => void,
): Promise<void> {
  const context = { studioId: options.studio, gatewayId: options.gateway };
  for await (const status of nc.status()) {
    if (status.type === 'error' && status.error instanceof PermissionViolationError) {
      fail(
        `NATS refused: ${status.error.message}; are ${options.creds ?? 'the creds'} those of gateway ` +
          `${options.gateway} of studio ${options.studio}?`,
      );
      continue;
    }
    if (status.type !== 'disconnect' && status.type !== 'reconnect') continue;
    const what = status.type === 'disconnect' ? 'NATS disconnected; reconnecting' : 'NATS reconnected';
    if (options.json) output.log.warn(what, { ...context, server: status.server });
    else output.say(`  ${what} (${status.server})`);
  }
}
