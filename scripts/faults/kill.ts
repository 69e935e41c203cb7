// A kill scenario: a whole stack of its own, a live class loaded by a gateway
// that retries until acked, one process SIGKILLed mid-load and started again,
// then what came out: every acked sample stored once, nothing counted twice
// anywhere, values on screens again soon after, no 5xx, no other process down.
import { setUpLiveClass, sleep, startTestStack, TEST_ADMIN_TOKEN, type TestStack } from '#testing';
import type { KillOptions, KillTarget } from './cli.js';
import { criterion, type Criterion } from './criteria.js';
import { drainAndCompare, type CountedOnceFigures } from './drain.js';
import { valuesFlowingAfter } from './flow.js';
import { FAULTS_ENV } from './fuzz-types.js';
import { gatewayConnectOptions, startAckedGateway } from './gateway.js';
import { FaultScreen } from './screen.js';
import { watchStack, type ProcessExit, type ServerError } from './watch.js';

/** Values must flow on screens again this soon after NATS or realtime answers again. */
export const VALUES_BACK_MS = 5000;

export interface KillResult extends CountedOnceFigures {
  target: KillTarget;
  athletes: number;
  /** SIGKILL to the process answering again (healthy, or listening for NATS and Postgres). */
  downMs: number;
  /** Publishes retried by the gateway (no ack in time). */
  retries: number;
  /** From the restart until the screen kept up with the gateway again (flow.ts); null when it had not by the end of the load. */
  valuesBackMs: number | null;
  /** From the restart until the screen showed every athlete's last sample (after the load, when it lagged). */
  caughtUpAfterRestartMs: number | null;
  requests: number;
  serverErrors: ServerError[];
  exits: ProcessExit[];
  criteria: Criterion[];
  passed: boolean;
}

/** Extra options of the short runs in `npm test`. */
export interface KillRunOptions {
  /** How long to wait for history and screens to catch up after the load. */
  drainMs?: number;
}

const watchedName: Record<KillTarget, string | null> = {
  ingest: 'ingest',
  realtime: 'realtime',
  nats: 'nats-server',
  postgres: null,
};

async function kill(stack: TestStack, target: KillTarget): Promise<void> {
  if (target === 'nats') await stack.nats.stop(true);
  else if (target === 'postgres') await stack.postgres?.kill();
  else await stack.service(target).stop(true);
}

async function restart(stack: TestStack, target: KillTarget): Promise<void> {
  if (target === 'nats') await stack.nats.start();
  else if (target === 'postgres') await stack.postgres?.restart();
  else await stack.service(target).start();
}

export async function runKill(
  target: KillTarget,
  options: KillOptions,
  progress: (line: string) => void,
  run: KillRunOptions = {},
): Promise<KillResult> {
  const stack = await startTestStack(['api', 'ingest', 'realtime'], {
    ownPostgres: true,
    env: { ...FAULTS_ENV, INGEST_ACK_WAIT_MS: '2000' },
  });
  try {
    progress(`stack up: api ${stack.apiUrl}, realtime ${stack.realtimeUrl}, NATS ${stack.nats.url}`);
    const devices = Array.from({ length: options.athletes }, (_, index) => `ant:120:${40000 + index}`);
    const live = await setUpLiveClass(stack, devices);
    const screen = await FaultScreen.open(stack.realtimeUrl, TEST_ADMIN_TOKEN, live.sessionId);
    const watch = watchStack(stack, TEST_ADMIN_TOKEN, [
      `/api/v1/sessions/${live.sessionId}/summary`,
      `/api/v1/sessions/${live.sessionId}/events`,
      `/api/v1/studios/${live.studioId}/members`,
    ]);
    const gateway = await startAckedGateway({
      nats: await gatewayConnectOptions(stack, live.studioId, 'gw-faults'),
      studioId: live.studioId,
      gatewayId: 'gw-faults',
      devices,
      intervalMs: options.interval,
      seed: options.seed,
    });
    const loadStart = Date.now();
    const looking = setInterval(() => screen.look(), 200).unref();
    progress(`class ${live.sessionId}: ${options.athletes} athletes, a batch every ${options.interval} ms`);
    await sleep(options['kill-after'] * 1000);

    const name = watchedName[target];
    if (name !== null) watch.allow(name, true);
    const killedAt = Date.now();
    await kill(stack, target);
    progress(`${target} killed (SIGKILL) after ${gateway.ackedBatches()} acked batches`);
    await sleep(options.down * 1000);
    await restart(stack, target);
    const restartedAt = Date.now();
    if (name !== null) watch.allow(name, false);
    progress(`${target} back after ${restartedAt - killedAt} ms`);

    await sleep(Math.max(0, loadStart + options.seconds * 1000 - Date.now()));
    gateway.stop();
    const load = await gateway.done;
    const loadEnd = Date.now();
    clearInterval(looking);
    progress(`load stopped: ${load.acked} samples acked in ${load.batches} batches, ${load.retries} retries`);

    const figures = await drainAndCompare(stack, live, screen, load, run.drainMs ?? 60_000, progress);
    const valuesBackMs = valuesFlowingAfter(screen.shown, restartedAt, loadEnd);
    screen.close();
    await watch.stop();
    const serverErrors = watch.serverErrors();
    const exits = watch.exits();
    // While the API's own dependency (Postgres, NATS) is down, the contract's answer is 503 with
    // Retry-After (rest.md); any other 5xx, or any 5xx when only ingest or realtime died, is a failure.
    const outage = target === 'postgres' || target === 'nats';
    const wrongErrors = serverErrors.filter(
      (error) => !(outage && error.status === 503 && error.retryAfter !== null),
    );
    const criteria = [
      criterion(
        'acked == stored',
        figures.stored === load.acked,
        `acked ${load.acked}, stored ${figures.stored}`,
      ),
      criterion(
        '/summary counts every acked sample',
        figures.summarySamples === load.acked,
        `summary ${figures.summarySamples}, acked ${load.acked}`,
      ),
      criterion('0 missing', figures.missing === 0, `${figures.missing} missing`),
      criterion(
        '0 duplicates',
        figures.duplicated === 0,
        `${figures.duplicated} duplicated in the HR stream`,
      ),
      criterion(
        'screen, /summary and HR stream totals equal',
        figures.problems.filter((problem) => / shows /.test(problem) || /no \w+ totals/.test(problem))
          .length === 0,
        figures.totalsLine,
      ),
      ...(target === 'nats' || target === 'realtime'
        ? [
            criterion(
              `values on screens ≤ ${VALUES_BACK_MS / 1000} s after ${target} is back`,
              valuesBackMs !== null && valuesBackMs <= VALUES_BACK_MS,
              valuesBackMs === null ? 'still stale when the load ended' : `${valuesBackMs} ms`,
            ),
          ]
        : []),
      criterion(
        '0 unexpected exits',
        exits.length === 0,
        exits.length === 0 ? 'none' : exits.map((exit) => exit.name).join(', '),
      ),
      criterion(
        outage ? '0 5xx but 503 with Retry-After' : '0 5xx',
        wrongErrors.length === 0,
        `${serverErrors.length} of ${watch.requests()} answers were 5xx${describeStatuses(serverErrors)}`,
      ),
    ];
    return {
      target,
      athletes: options.athletes,
      downMs: restartedAt - killedAt,
      retries: load.retries,
      valuesBackMs,
      caughtUpAfterRestartMs:
        figures.screenAfterMs === null ? null : loadEnd + figures.screenAfterMs - restartedAt,
      ...figures,
      requests: watch.requests(),
      serverErrors: serverErrors.slice(0, 50),
      exits,
      criteria,
      passed: criteria.every((each) => each.ok),
    };
  } finally {
    await stack.stop();
  }
}

function describeStatuses(errors: readonly ServerError[]): string {
  if (errors.length === 0) return '';
  const counts = new Map<string, number>();
  for (const error of errors) {
    const key = `${error.status}${error.retryAfter === null ? '' : ' (Retry-After)'} on ${error.route.replace(/\/[a-z]+_[A-Za-z0-9_-]+/g, '/:id')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return `: ${[...counts].map(([key, n]) => `${n}× ${key}`).join('; ')}`;
}
