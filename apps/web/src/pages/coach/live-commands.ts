// The coach's commands on the live socket (docs/contracts/live.md): `timer:command`
// and `spotify:command`. Their ack is the owner's answer; a refusal becomes an
// ApiError titled as its REST equivalent would be, so the page shows every
// refusal the same way, whichever way it came.
import type { Socket } from 'socket.io-client';
import { liveCommandAck, liveEvents, type SpotifyCommandRequest, type TimerCommandRequest } from '#contracts';
import { ApiError } from '../../api.js';

/** How long to wait for an ack: the server gives the owner 3 s, then answers `not-available`. */
const ACK_TIMEOUT_MS = 6_000;

/** The REST status and title of each ack error code (rest.md, "Timer commands over NATS"). */
const restEquivalent: Record<string, [number, string]> = {
  conflict: [412, 'Precondition Failed'],
  forbidden: [403, 'Forbidden'],
  'not-found': [404, 'Not Found'],
  unauthorized: [401, 'Unauthorized'],
  'bad-request': [400, 'Bad Request'],
  'rate-limited': [429, 'Too Many Requests'],
  'not-available': [503, 'Service Unavailable'],
  unavailable: [503, 'Service Unavailable'],
};

/** An ack's refusal as the page shows it: `rule:<code>` is the 409 a REST call would get. */
export function ackRefusal(code: string, message: string): ApiError {
  if (code.startsWith('rule:')) return new ApiError(409, 'Conflict', message);
  const [status, title] = restEquivalent[code] ?? [500, `Refused (${code})`];
  return new ApiError(status, title, message || code);
}

async function command(socket: Socket, event: string, payload: object): Promise<void> {
  let answer: unknown;
  try {
    answer = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
  } catch {
    throw new ApiError(504, 'No answer', 'the live connection did not answer in time; try again');
  }
  const ack = liveCommandAck.safeParse(answer);
  if (!ack.success) throw new ApiError(502, 'Unexpected answer', 'the answer does not match the contract');
  if (!ack.data.ok) throw ackRefusal(ack.data.error.code, ack.data.error.message);
}

export const timerCommand = (socket: Socket, request: TimerCommandRequest) =>
  command(socket, liveEvents.timerCommand, request);

export const spotifyCommand = (socket: Socket, request: SpotifyCommandRequest) =>
  command(socket, liveEvents.spotifyCommand, request);
