// The studio's unassigned straps, live: the `studio:subscribe` snapshot, then
// every `studio:devices` change (docs/contracts/live.md). Subscribes again on
// a connection that was not recovered, as the class feed does.
import { useEffect, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { liveEvents, studioDevices, studioSubscribeAck, type UnassignedDevice } from '#contracts';
import { ConnectionWatch } from '../../live/live-socket.js';

const RETRY_MS = 2_000;

export function useUnassignedStraps(socket: Socket, studioId: string | null): readonly UnassignedDevice[] {
  const [straps, setStraps] = useState<readonly UnassignedDevice[]>([]);
  useEffect(() => {
    if (studioId === null) return;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const subscribe = async () => {
      clearTimeout(retry);
      const answer = studioSubscribeAck.safeParse(
        await socket
          .timeout(5_000)
          .emitWithAck(liveEvents.studioSubscribe, { studioId })
          .catch(() => null),
      );
      if (closed) return;
      const ack = answer.success ? answer.data : null;
      if (ack?.ok) {
        setStraps(ack.snapshot.unassigned);
        return;
      }
      // Not this token's studio: nothing to list. Else no answer, or the server cannot read it now: ask again.
      if (ack?.error.code === 'not-found') return;
      retry = setTimeout(() => void subscribe(), RETRY_MS);
    };
    const changed = (payload: unknown) => {
      const parsed = studioDevices.safeParse(payload);
      if (parsed.success && parsed.data.studioId === studioId) setStraps(parsed.data.unassigned);
    };
    socket.on(liveEvents.studioDevices, changed);
    const watch = new ConnectionWatch(
      socket,
      () => undefined,
      (recovered) => {
        if (!recovered) void subscribe();
      },
    );
    return () => {
      closed = true;
      clearTimeout(retry);
      watch.close();
      socket.off(liveEvents.studioDevices, changed);
      if (socket.connected) socket.emit(liveEvents.unsubscribe, { studioId });
    };
  }, [socket, studioId]);
  return straps;
}
