// Every client event passes here before its handler: the socket's token
// bucket, and an answer a client can rely on whatever it sent (no ack
// callback, a non-object, an event nobody handles).
import type { Socket } from 'socket.io';
import type { LiveErrorCode } from '#contracts';
import { take, type Bucket, type RateLimit } from './rate-limit.js';

export const failure = (code: LiveErrorCode, message: string) => ({
  ok: false as const,
  error: { code, message },
});

/** The acknowledgement callback of an incoming packet, when the client sent one. */
function ackOf(packet: readonly unknown[]): ((answer: unknown) => void) | null {
  const last: unknown = packet[packet.length - 1];
  return typeof last === 'function' ? (answer: unknown) => void last(answer) : null;
}

/** Installs the rate limit on a socket; `onDisconnect` is told when a flooding client is cut off. */
export function guardSocket(
  socket: Socket,
  bucket: Bucket,
  limit: RateLimit,
  onDisconnect: () => void,
  now: () => number = Date.now,
): void {
  socket.use((packet, next) => {
    // Packets that arrived with the one that cut the client off are dropped unanswered.
    if (socket.disconnected) return;
    const verdict = take(bucket, limit, now());
    if (verdict === 'pass') return next();
    ackOf(packet)?.(failure('rate-limited', `more than ${limit.perSecond} requests a second`));
    if (verdict === 'disconnect') {
      onDisconnect();
      socket.disconnect(true);
    }
  });
}
