// The fuzz scenario: bounded random and hostile inputs to every surface
// (gateway messages, NATS credentials, Socket.IO events, REST routes), then checks that nothing
// exited, nothing answered 5xx, the control class's events and history are
// exactly what they were, and a new class still gets history and live values.
import { z } from 'zod';
import { eventSubjects, streams } from '#contracts';
import { DeviceStatusStore, EventStore } from '#eventstore';
import {
  eventually,
  FakeSpotify,
  setUpLiveClass,
  sleep,
  startTestStack,
  readClassLog,
  storedSamples,
  TEST_ADMIN_TOKEN,
  type LiveClass,
  type TestStack,
} from '#testing';
import type { FuzzOptions } from './cli.js';
import { criterion, type Criterion } from './criteria.js';
import { fuzzCredentials } from './fuzz-credentials.js';
import { fuzzGateway, GHOST_STUDIOS } from './fuzz-gateway.js';
import { fuzzRest } from './fuzz-rest.js';
import { fuzzSockets } from './fuzz-sockets.js';
import { FAULTS_ENV, type FuzzClass, type FuzzFailure, type FuzzTargets } from './fuzz-types.js';
import { gatewayConnectOptions, startAckedGateway } from './gateway.js';
import { FaultScreen } from './screen.js';
import { watchStack } from './watch.js';

export interface FuzzResult {
  surfaces: Array<{ name: string; sent: number; failures: number }>;
  failures: FuzzFailure[];
  criteria: Criterion[];
  passed: boolean;
}

const issued = z.object({ token: z.string() });

function fuzzClassOf(live: LiveClass, devices: readonly string[]): FuzzClass {
  return {
    studioId: live.studioId,
    sessionId: live.sessionId,
    devices,
    memberIds: live.session.participants.map((participant) => participant.memberId),
    participantIds: live.session.participants.map((participant) => participant.participantId),
  };
}

/** Loads a class for `ms` with valid samples, then waits until history holds them all. */
async function loadClass(
  stack: TestStack,
  live: LiveClass,
  devices: readonly string[],
  ms: number,
  seed: number,
) {
  // A gateway of its own per class: a second gw-valid:1 within 2 minutes would be dropped as a duplicate.
  const gatewayId = `gw-valid-${live.studioId.slice(-6).replace(/[^A-Za-z0-9]/g, 'x')}`;
  const gateway = await startAckedGateway({
    nats: await gatewayConnectOptions(stack, live.studioId, gatewayId),
    studioId: live.studioId,
    gatewayId,
    devices,
    intervalMs: 200,
    seed,
  });
  await sleep(ms);
  gateway.stop();
  const load = await gateway.done;
  const stored = await eventually(
    async () => ((await storedSamples(stack.databaseUrl, live.sessionId)) === load.acked ? true : undefined),
    'history to hold every valid sample',
    15_000,
    200,
  ).catch(() => false);
  return { load, stored };
}

/** Everything of a class an input could change: its events, timer events, heart-rate events, rows and summary. */
async function snapshotOf(stack: TestStack, sessionId: string): Promise<Record<string, string>> {
  const connection = await stack.connectNats();
  try {
    const store = await EventStore.open(connection);
    const read = async (stream: string, subject: string) =>
      (await store.readAggregate(stream, subject)).events.map(
        (stored) => `${stored.seq}:${stored.event.type}:${stored.event.id}`,
      );
    const summary = await stack.api('GET', `/api/v1/sessions/${sessionId}/summary`);
    const heartRate = await store.readAggregate(
      streams.heartRate.name,
      eventSubjects.sessionHeartRate(sessionId),
    );
    return {
      events: JSON.stringify(await read(streams.events.name, eventSubjects.session(sessionId))),
      timer: JSON.stringify(await read(streams.events.name, eventSubjects.timer(sessionId))),
      // The samples themselves, so a report shows what got in.
      heartRate: JSON.stringify(
        heartRate.events.map((stored) => ({ seq: stored.seq, id: stored.event.id, data: stored.event.data })),
      ),
      stored: JSON.stringify(await storedSamples(stack.databaseUrl, sessionId)),
      summary: JSON.stringify(summary.body),
    };
  } finally {
    await connection.close();
  }
}

/** Straps recorded for studios that do not exist (issue 12, finding 8: they must be dead-lettered). */
async function ghostStraps(stack: TestStack): Promise<string[]> {
  const connection = await stack.connectNats();
  try {
    const store = await DeviceStatusStore.open(connection);
    const found: string[] = [];
    for (const studioId of GHOST_STUDIOS)
      for (const record of await store.studio(studioId)) found.push(`${studioId}/${record.deviceId}`);
    return found;
  } finally {
    await connection.close();
  }
}

async function issueToken(stack: TestStack, studioId: string, role: string): Promise<string> {
  const answer = await stack.api('POST', `/api/v1/studios/${studioId}/tokens`, {
    role,
    label: `fuzz ${role}`,
  });
  return issued.parse(answer.body).token;
}

export async function runFuzz(options: FuzzOptions, progress: (line: string) => void): Promise<FuzzResult> {
  // Spotify's routes and commands answer 503 by contract without a worker or a client id: the
  // fuzz stack has both, against the test double, so a 503 there is a finding.
  const spotify = await FakeSpotify.start();
  const stack = await startTestStack(['api', 'ingest', 'realtime', 'spotify-worker'], {
    ownPostgres: true,
    env: {
      ...FAULTS_ENV,
      SPOTIFY_CLIENT_ID: spotify.clientId,
      SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
      SPOTIFY_ACCOUNTS_URL: spotify.url,
      SPOTIFY_API_URL: spotify.url,
    },
  }).catch(async (error: unknown) => {
    await spotify.stop();
    throw error;
  });
  try {
    const controlDevices = ['ant:120:50001', 'ant:120:50002', 'ant:120:50003'];
    const fuzzDevices = ['ant:120:60001', 'ant:120:60002', 'ant:120:60003'];
    const control = await setUpLiveClass(stack, controlDevices);
    const fuzzClass = await setUpLiveClass(stack, fuzzDevices);
    const targets: FuzzTargets = {
      control: fuzzClassOf(control, controlDevices),
      fuzz: fuzzClassOf(fuzzClass, fuzzDevices),
      tokens: {
        coach: await issueToken(stack, fuzzClass.studioId, 'coach'),
        display: await issueToken(stack, fuzzClass.studioId, 'display'),
        operator: await issueToken(stack, fuzzClass.studioId, 'operator'),
      },
      adminToken: TEST_ADMIN_TOKEN,
    };
    await loadClass(stack, control, controlDevices, 2000, options.seed);
    const before = await snapshotOf(stack, control.sessionId);
    progress(`control class ${control.sessionId} loaded and snapshotted; fuzz class ${fuzzClass.sessionId}`);

    const watch = watchStack(stack, TEST_ADMIN_TOKEN, []);
    const failures: FuzzFailure[] = [];
    const surfaces: FuzzResult['surfaces'] = [];
    const run = async (name: FuzzFailure['surface'], send: () => Promise<number>) => {
      const already = failures.length;
      const sent = await send();
      surfaces.push({ name, sent, failures: failures.length - already });
      progress(`${name}: ${sent} inputs, ${failures.length - already} failures`);
    };
    await run('gateway', () => fuzzGateway(stack, targets, options.count, options.seed, failures));
    await run('credentials', () => fuzzCredentials(stack, targets, options.seed, failures));
    await run('sockets', () =>
      fuzzSockets(stack.realtimeUrl, targets, options.count, options.seed, failures),
    );
    await run('rest', () => fuzzRest(stack.apiUrl, targets, options.count, options.seed, failures));

    // Whatever ingest and the projections still had queued, then: does a new class still work?
    await sleep(3000);
    const fresh = await setUpLiveClass(stack, ['ant:120:70001', 'ant:120:70002']).catch((error: unknown) => {
      failures.push({
        surface: 'stack',
        index: -1,
        seed: options.seed,
        problem: `a new class could not be set up: ${String(error)}`,
        input: '',
      });
      return null;
    });
    let followed = false;
    if (fresh !== null) {
      const screen = await FaultScreen.open(stack.realtimeUrl, TEST_ADMIN_TOKEN, fresh.sessionId);
      const since = Date.now();
      const { load, stored } = await loadClass(
        stack,
        fresh,
        ['ant:120:70001', 'ant:120:70002'],
        2000,
        options.seed,
      );
      const shown = await eventually(
        () => (screen.firstFreshFrame(since, since - 1) === null ? undefined : true),
        'values of the new class on a screen',
        10_000,
      ).catch(() => false);
      screen.close();
      followed = stored && shown;
      const inLog = (await readClassLog(stack.natsOptions(), fresh.sessionId)).heartRateEvents.length;
      if (!followed)
        failures.push({
          surface: 'stack',
          index: -1,
          seed: options.seed,
          problem: `a new class after the fuzz: ${load.acked} samples acked, ${inLog} heart-rate events in the log, history ${stored ? 'holds them' : 'does not hold them'}, a screen ${shown ? 'shows them' : 'shows nothing'}`,
          input: '',
        });
      progress(
        `a new class after the fuzz: ${load.acked} samples acked, ${inLog} heart-rate events in the log, history ${stored ? 'holds them' : 'does NOT hold them'}, screen ${shown ? 'shows them' : 'shows NOTHING'}`,
      );
    }
    const after = await snapshotOf(stack, control.sessionId);
    const ghosts = await ghostStraps(stack);
    if (ghosts.length > 0)
      failures.push({
        surface: 'stack',
        index: -1,
        seed: options.seed,
        problem: `device status recorded for studios that do not exist: ${ghosts.slice(0, 10).join(', ')}`,
        input: '',
      });
    await watch.stop();
    const exits = watch.exits();
    const serverErrors = failures.filter((failure) => /^5\d\d /.test(failure.problem));
    const changed = Object.keys(before).filter((part) => before[part] !== after[part]);
    const unchanged = changed.length === 0;
    const delta = (part: string) => {
      const was = before[part] ?? '';
      const now = after[part] ?? '';
      const common = [...was].findIndex((char, index) => now[index] !== char);
      return `${part}: now …${now.slice(Math.max(0, common - 20), common + 360)}`;
    };
    if (!unchanged)
      failures.push({
        surface: 'stack',
        index: -1,
        seed: options.seed,
        problem: `the control class changed: ${changed.join(', ')}`,
        input: changed.map(delta).join(' | '),
      });
    const criteria = [
      criterion(
        '0 exits',
        exits.length === 0,
        exits.length === 0 ? 'none' : exits.map((exit) => exit.name).join(', '),
      ),
      criterion('0 5xx', serverErrors.length === 0, `${serverErrors.length} answers were 5xx`),
      criterion(
        'NATS refused every forbidden connection, publish and subscription',
        !failures.some((f) => f.surface === 'credentials'),
        `${failures.filter((f) => f.surface === 'credentials').length} let through`,
      ),
      criterion(
        'every known socket event with an ack answered',
        !failures.some((f) => f.surface === 'sockets'),
        `${failures.filter((f) => f.surface === 'sockets').length} failures`,
      ),
      criterion(
        'control class events and history unchanged',
        unchanged,
        unchanged ? 'identical' : `changed: ${changed.join(', ')}`,
      ),
      criterion(
        'nothing recorded for a studio that does not exist',
        ghosts.length === 0,
        ghosts.length === 0 ? 'nothing' : `${ghosts.length} straps`,
      ),
      criterion('a new class still gets history and live values', followed, followed ? 'yes' : 'no'),
      criterion('0 failures in all', failures.length === 0, `${failures.length} failures`),
    ];
    return { surfaces, failures, criteria, passed: criteria.every((each) => each.ok) };
  } finally {
    await stack.stop();
    await spotify.stop();
  }
}
