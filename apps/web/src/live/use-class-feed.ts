// A class's feed as Preact state: the page re-renders on every change.
import { useEffect, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { ClassFeed, type ClassView } from './class-feed.js';

export function useClassFeed(socket: Socket, sessionId: string): { view: ClassView; feed: ClassFeed | null } {
  const [feed, setFeed] = useState<ClassFeed | null>(null);
  const [view, setView] = useState<ClassView>({
    state: null,
    connection: { status: 'connecting', reason: null },
    problem: null,
  });
  useEffect(() => {
    const created = new ClassFeed(socket, sessionId, setView);
    setFeed(created);
    setView(created.current);
    return () => created.close();
  }, [socket, sessionId]);
  return { view, feed };
}
