// Every client event of docs/contracts/live.md, and some that are not, with
// random and mutated payloads, with and without an ack, from coach sockets of
// the fuzz studio (so the control class is out of their reach), plus
// handshakes with odd tokens. A known event sent with an ack must get an
// answer `{ ok: boolean, ... }` while its socket stays connected.
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import { sleep } from '#testing';
import { drawFor, mutate, oddStrings, randomJson, truncated, type Draw } from './fuzz-values.js';
import type { FuzzFailure, FuzzTargets } from './fuzz-types.js';

const knownEvents = [
  'session:subscribe',
  'studio:subscribe',
  'unsubscribe',
  'timer:command',
  'spotify:command',
  'time:ping',
] as const;
const answer = z.looseObject({ ok: z.boolean() });
/** Inputs per socket, sent under the rate limit (10 a second) so answers are answers, not refusals. */
const PER_SOCKET = 100;
const GAP_MS = 110;

function payloadOf(draw: Draw, event: string, targets: FuzzTargets): unknown {
  const sessionId = draw.pick([targets.fuzz.sessionId, targets.control.sessionId, ...oddStrings]);
  const studioId = draw.pick([targets.fuzz.studioId, targets.control.studioId, ...oddStrings]);
  const valid: Record<string, unknown> =
    event === 'timer:command'
      ? { sessionId, action: draw.pick(['start', 'pause', 'resume', 'reset', 'skip', 'explode']) }
      : event === 'spotify:command'
        ? {
            studioId,
            action: draw.pick(['play', 'pause', 'next', 'previous', 'volume', 'transfer', 'rewind']),
            volume: draw.pick([50, -1, 101, 1e308, 'loud']),
            deviceId: draw.pick(oddStrings),
          }
        : event === 'studio:subscribe'
          ? { studioId }
          : { sessionId, ...(draw.chance(0.3) && { encoding: draw.pick(['objects', 'compact', 'xml']) }) };
  const roll = draw.int(0, 9);
  if (roll <= 3) return valid;
  if (roll <= 7) return mutate(draw, valid);
  return randomJson(draw);
}

function openSocket(url: string, token: unknown, timeout = 5000): Socket {
  return io(`${url}/live`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    timeout,
  });
}

const connected = (socket: Socket) =>
  new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  });

async function runSocket(
  realtimeUrl: string,
  targets: FuzzTargets,
  draw: Draw,
  first: number,
  count: number,
  seed: number,
  failures: FuzzFailure[],
): Promise<void> {
  const socket = openSocket(realtimeUrl, targets.tokens.coach);
  if (!(await connected(socket))) {
    failures.push({
      surface: 'sockets',
      index: first,
      seed,
      problem: 'a coach token could not connect',
      input: '',
    });
    return;
  }
  const pending: Array<Promise<void>> = [];
  try {
    for (let index = first; index < first + count && socket.connected; index++) {
      const known = draw.chance(0.85);
      const event = known
        ? draw.pick(knownEvents)
        : draw.pick([...oddStrings, 'hrm:values', 'connect', 'disconnect', 'error']);
      const payload = payloadOf(draw, event, targets);
      const withAck = draw.chance(0.7);
      const extraArgs = draw.chance(0.1) ? [randomJson(draw)] : [];
      const input = `${event} ${truncated(payload, 200)}${withAck ? ' (ack)' : ''}`;
      // Socket.IO itself reserves these names on the client; sending them throws before anything leaves.
      if (
        ['connect', 'disconnect', 'connect_error', 'disconnecting', 'newListener', 'removeListener'].includes(
          event,
        )
      )
        continue;
      if (!withAck) {
        socket.emit(event, payload, ...extraArgs);
      } else {
        pending.push(
          socket
            .timeout(4000)
            .emitWithAck(event, payload, ...extraArgs)
            .then((reply: unknown) => {
              if (known && !answer.safeParse(reply).success)
                failures.push({
                  surface: 'sockets',
                  index,
                  seed,
                  problem: `answer ${truncated(reply, 120)}`,
                  input,
                });
            })
            .catch(() => {
              // No answer: a failure only for a known event on a socket that is still connected.
              if (known && socket.connected)
                failures.push({ surface: 'sockets', index, seed, problem: 'no answer within 4 s', input });
            }),
        );
      }
      await sleep(GAP_MS);
    }
    await Promise.all(pending);
  } finally {
    socket.close();
  }
}

export async function fuzzSockets(
  realtimeUrl: string,
  targets: FuzzTargets,
  count: number,
  seed: number,
  failures: FuzzFailure[],
): Promise<number> {
  // Handshakes with tokens that are not tokens, all at once: refused, nothing else.
  const badTokens: unknown[] = [
    undefined,
    null,
    42,
    {},
    [],
    '',
    'x'.repeat(513),
    'x'.repeat(100_000),
    '\u0000',
    'hrm_' + 'a'.repeat(43),
  ];
  await Promise.all(
    badTokens.map(async (token) => {
      const socket = openSocket(realtimeUrl, token, 2000);
      if (await connected(socket))
        failures.push({
          surface: 'sockets',
          index: -1,
          seed,
          problem: 'connected with a bad token',
          input: truncated(token),
        });
      socket.close();
    }),
  );
  // A socket that floods: refused, then disconnected; the server goes on.
  const flood = openSocket(realtimeUrl, targets.tokens.display);
  if (await connected(flood)) {
    for (let index = 0; index < 80; index++) flood.emit('time:ping', {});
    await sleep(500);
    flood.close();
  }
  // Several sockets at once, each under the rate limit, with inputs drawn in one order.
  const sockets = Math.ceil(count / PER_SOCKET);
  const runs: Array<Promise<void>> = [];
  for (let socket = 0; socket < sockets; socket++) {
    const first = socket * PER_SOCKET;
    const mine = drawFor(seed, `sockets:${socket}`);
    runs.push(
      runSocket(realtimeUrl, targets, mine, first, Math.min(PER_SOCKET, count - first), seed, failures),
    );
  }
  await Promise.all(runs);
  return count;
}
