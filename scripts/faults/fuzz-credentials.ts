// What credentials let through (issue 16): NATS itself must refuse a stranger
// and a forged user, and a gateway's own credentials anything but its two
// subjects. Each forbidden publish carries what would change the control class
// if it got in (a forged event, a forged heart-rate event, a timer command), so
// the fuzz's "control class unchanged" criterion also holds the server to it.
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import { createAccount } from '@nats-io/nkeys';
import { commandSubjects, eventSubjects, gatewaySubjects, streams } from '#contracts';
import { credsOptions, gatewayUserCreds } from '#nats-auth';
import { sleep, type TestStack } from '#testing';
import type { FuzzFailure, FuzzTargets } from './fuzz-types.js';
import { gatewayConnectOptions } from './gateway.js';

/** How long the server has to answer a forbidden publish or subscription with its refusal. */
const REFUSAL_WAIT_MS = 3000;

const FUZZ_GATEWAY = 'gw-fuzz-0';

/** A connection that must be refused: true when it was, with NATS's authorization error. */
async function refusedConnection(options: Parameters<typeof connect>[0]): Promise<string | null> {
  try {
    const connection = await connect({ ...options, maxReconnectAttempts: 0, reconnect: false });
    await connection.close();
    return 'connected';
  } catch (error) {
    return /authorization/i.test(String(error))
      ? null
      : `refused, but not by authorization: ${String(error)}`;
  }
}

function forbiddenPublishes(targets: FuzzTargets, now: number): Array<{ subject: string; body: string }> {
  const control = targets.control;
  const event = (type: string, data: Record<string, unknown>) =>
    JSON.stringify({ id: `forged-${type}-${now}`, type, occurredAt: now, recordedAt: now, data });
  const batch = (studioId: string, gatewayId: string) =>
    JSON.stringify({
      gatewayId,
      seq: 1,
      sentAt: now,
      samples: control.devices.map((deviceId) => ({ deviceId, ts: now, bpm: 150, contact: true })),
    });
  return [
    // Another studio's gateway subject, another gateway of its own studio, a studio that does not exist.
    {
      subject: gatewaySubjects.samples(control.studioId, FUZZ_GATEWAY),
      body: batch(control.studioId, FUZZ_GATEWAY),
    },
    {
      subject: gatewaySubjects.samples(targets.fuzz.studioId, 'gw-fuzz-1'),
      body: batch(targets.fuzz.studioId, 'gw-fuzz-1'),
    },
    { subject: gatewaySubjects.status(control.studioId, FUZZ_GATEWAY), body: '{}' },
    { subject: gatewaySubjects.deadLetter(targets.fuzz.studioId, FUZZ_GATEWAY), body: '{}' },
    // The log, heart rate and commands directly.
    {
      subject: eventSubjects.session(control.sessionId),
      body: event('session.ended', { sessionId: control.sessionId, endedAt: now }),
    },
    {
      subject: eventSubjects.heartRate(control.sessionId, FUZZ_GATEWAY),
      body: event('heart-rate.batch-recorded', { sessionId: control.sessionId, samples: [] }),
    },
    {
      subject: commandSubjects.timer(control.sessionId),
      body: JSON.stringify({ action: 'pause', actor: { kind: 'admin' } }),
    },
    // JetStream's API: no stream may be deleted or purged, no consumer read.
    { subject: `$JS.API.STREAM.DELETE.${streams.events.name}`, body: '' },
    { subject: `$JS.API.STREAM.PURGE.${streams.heartRate.name}`, body: '' },
    { subject: `$JS.API.CONSUMER.MSG.NEXT.${streams.ingress.name}.ingest`, body: '' },
  ];
}

const forbiddenSubscriptions = [eventSubjects.allSessions, streams.heartRate.subjects[0], 'cmd.>', '>'];

/** Refusals the server sent this connection, by operation and subject. */
function watchRefusals(connection: NatsConnection): Set<string> {
  const refused = new Set<string>();
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'error' && status.error instanceof errors.PermissionViolationError) {
        refused.add(`${status.error.operation}:${status.error.subject}`);
      }
    }
  })();
  return refused;
}

/** Tries everything a gateway's credentials (and none) must not do; each miss is a failure. Resolves to the attempts. */
export async function fuzzCredentials(
  stack: TestStack,
  targets: FuzzTargets,
  seed: number,
  failures: FuzzFailure[],
): Promise<number> {
  let attempts = 0;
  const miss = (problem: string, input: string) =>
    failures.push({ surface: 'credentials', index: attempts, seed, problem, input });

  const anonymous = await refusedConnection({ servers: stack.nats.url });
  attempts++;
  if (anonymous !== null) miss(`an anonymous connection: ${anonymous}`, stack.nats.url);
  // A gateway's credentials signed by a key the account does not know.
  const stranger = createAccount();
  const forged = await gatewayUserCreds(
    stranger.getPublicKey(),
    stranger,
    targets.fuzz.studioId,
    FUZZ_GATEWAY,
  );
  const forgedResult = await refusedConnection({ ...stack.natsOptions(), ...credsOptions(forged.creds) });
  attempts++;
  if (forgedResult !== null) miss(`credentials of an unknown account: ${forgedResult}`, 'forged creds');

  const connection = await connect(await gatewayConnectOptions(stack, targets.fuzz.studioId, FUZZ_GATEWAY));
  try {
    const refused = watchRefusals(connection);
    const subscriptionErrors = new Set<string>();
    for (const subject of forbiddenSubscriptions) {
      connection.subscribe(subject, {
        callback: (error) => {
          if (error instanceof errors.PermissionViolationError) subscriptionErrors.add(subject);
        },
      });
      attempts++;
    }
    const publishes = forbiddenPublishes(targets, Date.now());
    for (const { subject, body } of publishes) {
      connection.publish(subject, body);
      attempts++;
    }
    await connection.flush();
    const expected = [
      ...publishes.map(({ subject }) => `publish:${subject}`),
      ...forbiddenSubscriptions.map((subject) => `subscription:${subject}`),
    ];
    const isRefused = (key: string) =>
      refused.has(key) || (key.startsWith('subscription:') && subscriptionErrors.has(key.slice(13)));
    const deadline = Date.now() + REFUSAL_WAIT_MS;
    while (Date.now() < deadline && !expected.every(isRefused)) await sleep(50);
    for (const key of expected.filter((each) => !isRefused(each)))
      miss(`a gateway's credentials were not refused ${key.replace(':', ' on ')}`, key);
    // A refused publish does not cost the gateway its connection (its own subjects go on).
    attempts++;
    if (connection.isClosed()) miss('the server closed the gateway after refusing it', FUZZ_GATEWAY);
  } finally {
    await connection.close();
  }
  return attempts;
}
