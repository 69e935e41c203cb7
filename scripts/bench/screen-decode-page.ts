// The screen bench's baseline page (runs in Chromium, bundled by Vite at bench
// time; Node never runs it): the class screen's live connection without the
// screen. Same Socket.IO client, same subscription with compact frames, and
// each frame parsed by the contract's schema and decoded as the screen's feed
// does; nothing merged, nothing drawn. Its per-frame time is the floor the
// screen's is compared against.
import { io } from 'socket.io-client';
import { z } from 'zod';
import {
  LIVE_NAMESPACE,
  decodeCompactValues,
  hrmValuesCompact,
  liveEvents,
  sessionSubscribeAck,
} from '#contracts';

/** Set by the bench before this script runs. */
const config = z
  .object({ realtimeUrl: z.string(), token: z.string(), sessionId: z.string() })
  .parse(Reflect.get(globalThis, '__hrmDecodeOnly'));

/** What the bench reads back: subscribed yet, values decoded, and why not when it could not subscribe. */
const seen = { subscribed: false, values: 0, problem: '' };
Reflect.set(globalThis, '__hrmDecoded', seen);

const socket = io(new URL(LIVE_NAMESPACE, config.realtimeUrl).toString(), {
  auth: { token: config.token },
  transports: ['websocket'],
});

socket.on(liveEvents.values, (payload: unknown) => {
  const parsed = hrmValuesCompact.safeParse(payload);
  if (parsed.success) seen.values += decodeCompactValues(parsed.data).values.length;
});

socket.on('connect', () => {
  void socket
    .emitWithAck(liveEvents.sessionSubscribe, { sessionId: config.sessionId, encoding: 'compact' })
    .then((answer: unknown) => {
      const ack = sessionSubscribeAck.safeParse(answer);
      if (!ack.success) seen.problem = `subscribe answer: ${ack.error.message}`;
      else if (!ack.data.ok) seen.problem = `subscribe refused: ${ack.data.error.message}`;
      else seen.subscribed = true;
    });
});

socket.on('connect_error', (error) => {
  seen.problem = `connect: ${error.message}`;
});
