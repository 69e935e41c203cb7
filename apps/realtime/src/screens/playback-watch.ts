// Tells the Spotify worker which studios screens watch (core NATS
// `spotify.watch.<studioId>`; it polls a named studio fast for 30 s): every
// studio whose room has a screen, and the studio of every live class whose
// room has one. Named when the gateway starts, every SPOTIFY_WATCH_EVERY_MS,
// and at once when a screen subscribes to a studio; stopped on shutdown.
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { rooms } from '#contracts';
import { SPOTIFY_WATCH } from '../injection.js';
import { LiveFeed } from '../state/live-feed.js';

/** How often the studios that screens watch are named to the Spotify worker. */
export const SPOTIFY_WATCH_EVERY_MS = 10_000;

/** Tells the Spotify worker a screen watches this studio. */
export type SpotifyWatch = (studioId: string) => void;

@Injectable()
export class PlaybackWatch implements OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(LiveFeed) private readonly feed: Pick<LiveFeed, 'sessions'>,
    @Inject(SPOTIFY_WATCH) private readonly spotifyWatch: SpotifyWatch,
  ) {}

  start(namespace: Namespace): void {
    this.stop();
    this.timer = setInterval(() => this.watchRooms(namespace), SPOTIFY_WATCH_EVERY_MS);
    this.watchRooms(namespace);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  /** A screen just subscribed to this studio: the worker need not wait for the next round. */
  watch(studioId: string): void {
    this.spotifyWatch(studioId);
  }

  /** Every studio a screen watches, directly or through one of its classes. */
  private watchRooms(namespace: Namespace): void {
    const studios = new Set<string>();
    for (const [name, members] of namespace.adapter.rooms) {
      if (members.size === 0) continue;
      const room = rooms.parse(name);
      if (room?.kind === 'studio') studios.add(room.studioId);
      else if (room?.kind === 'session') {
        const session = this.feed.sessions.get(room.sessionId);
        if (session?.session.status === 'live') studios.add(session.session.studioId);
      }
    }
    for (const studioId of studios) this.spotifyWatch(studioId);
  }
}
