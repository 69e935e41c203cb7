// /screen/<sessionId>#token=…: the class on the room's TV.
import type { Socket } from 'socket.io-client';
import { ClassBoard } from '../components/class-board.js';
import { useClassFeed } from '../live/use-class-feed.js';

export function ScreenPage({ socket, sessionId }: { socket: Socket; sessionId: string }) {
  const { view, feed } = useClassFeed(socket, sessionId);
  if (!feed) return null;
  return <ClassBoard view={view} clock={feed.clock} />;
}
