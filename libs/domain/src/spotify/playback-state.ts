// A studio's `spotify:state` (contract 2), folded from its spotify.* events on
// evt.studio.<studioId>.spotify. Realtime folds the log with this; the worker
// uses `playbackChanged` to emit an event only when something a screen shows changed.
import type { SpotifyDevice, SpotifyEvent, SpotifyState, SpotifyTrack } from '#contracts';

/** null: the studio never connected Spotify. */
export function evolveSpotifyState(state: SpotifyState | null, event: SpotifyEvent): SpotifyState | null {
  const { data } = event;
  switch (event.type) {
    case 'spotify.connected':
      return { studioId: data.studioId, status: 'connected', isPlaying: false, at: event.occurredAt };
    case 'spotify.needs-auth':
      return { studioId: data.studioId, status: 'needs-auth', isPlaying: false, at: event.occurredAt };
    case 'spotify.unavailable':
      return { studioId: data.studioId, status: 'unavailable', isPlaying: false, at: event.occurredAt };
    case 'spotify.playback-changed': {
      const { studioId, isPlaying, track, progressMs, at } = event.data;
      return {
        studioId,
        status: 'connected',
        isPlaying,
        ...(track !== null && { track }),
        ...(progressMs !== null && { progressMs }),
        at,
      };
    }
    default:
      return state;
  }
}

/** What a screen shows of playback, without the position: a change of it is worth an event. */
export interface PlaybackView {
  isPlaying: boolean;
  track: SpotifyTrack | null;
  device: SpotifyDevice | null;
}

/** Track, playing or paused, or device changed (progress alone does not count). */
export function playbackChanged(previous: PlaybackView | null, next: PlaybackView): boolean {
  if (previous === null) return true;
  return (
    previous.isPlaying !== next.isPlaying ||
    previous.track?.id !== next.track?.id ||
    previous.device?.id !== next.device?.id ||
    previous.device?.name !== next.device?.name
  );
}
