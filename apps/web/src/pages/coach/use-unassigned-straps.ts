// The studio's unassigned straps, live: the `studio:subscribe` snapshot, then
// every `studio:devices` change (docs/contracts/live.md). Subscribes again on
// a connection that was not recovered, as the class feed does.
import { useEffect, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { liveEvents, studioDevices, studioSubscribeAck, type UnassignedDevice } from '#contracts';
import { LiveRoom, parsedHandler } from '../../live/live-room.js';

export function useUnassignedStraps(socket: Socket, studioId: string | null): readonly UnassignedDevice[] {
  const [straps, setStraps] = useState<readonly UnassignedDevice[]>([]);
  useEffect(() => {
    if (studioId === null) return;
    const room = new LiveRoom(socket, {
      subscribeEvent: liveEvents.studioSubscribe,
      subscribeRequest: { studioId },
      room: { studioId },
      ack: studioSubscribeAck,
      handlers: [
        [
          liveEvents.studioDevices,
          parsedHandler(studioDevices, (devices) => {
            if (devices.studioId === studioId) setStraps(devices.unassigned);
          }),
        ],
      ],
      onConnection: () => undefined,
      onConnect: (recovered) => !recovered,
      onSnapshot: (snapshot) => setStraps(snapshot.unassigned),
      // Not this token's studio: nothing to list.
      onNotFound: () => undefined,
    });
    return () => room.close();
  }, [socket, studioId]);
  return straps;
}
