// What plays in the studio, from `spotify:state`.
import type { SpotifyState } from '#contracts';

export function NowPlaying({ spotify }: { spotify: SpotifyState | null }) {
  if (!spotify || spotify.status !== 'connected' || !spotify.track) {
    const quiet = spotify?.status === 'needs-auth' ? 'Music: sign in to Spotify' : 'No music';
    return (
      <section class="now-playing idle" data-playing="false" aria-label="now playing">
        <span class="np-title">{quiet}</span>
      </section>
    );
  }
  const { track, isPlaying } = spotify;
  return (
    <section class="now-playing" data-playing={String(isPlaying)} aria-label="now playing">
      <span class="np-icon" aria-hidden="true">
        {isPlaying ? '♫' : '❚❚'}
      </span>
      <span class="np-title">{track.name}</span>
      <span class="np-artists">{track.artists.join(', ')}</span>
    </section>
  );
}
