// The studio's music: play or pause (as it plays now), next, the volume, and
// the Spotify sign-in, which only an operator may start (the route is `operate`).
import { useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { spotifySignInUrl, type CallerRole, type SpotifyState } from '#contracts';
import type { Api } from '../../api.js';
import type { Attempt } from './attempts.js';
import { CommandButton } from './command-button.js';
import { spotifyCommand } from './live-commands.js';

interface MusicPanelProps {
  api: Api;
  socket: Socket;
  studioId: string;
  role: CallerRole;
  spotify: SpotifyState | null;
  attempt: Attempt;
  running: string | null;
}

const mayOperate = (role: CallerRole) => role === 'operator' || role === 'admin';

/**
 * Opens Spotify's consent page in a new tab. The tab is opened on the tap itself (a tab
 * opened after an await is blocked as a pop-up), then sent to the URL once the API gives it.
 */
async function signIn(api: Api, studioId: string): Promise<void> {
  const tab = window.open('', '_blank');
  if (tab) tab.opener = null;
  try {
    const { url } = await api.get(
      `/studios/${encodeURIComponent(studioId)}/spotify/authorize`,
      spotifySignInUrl,
    );
    if (tab) tab.location.href = url;
    else location.assign(url);
  } catch (error) {
    tab?.close();
    throw error;
  }
}

export function MusicPanel({ api, socket, studioId, role, spotify, attempt, running }: MusicPanelProps) {
  // `spotify:state` does not carry the volume: the slider starts halfway and says what was last sent.
  const [volume, setVolume] = useState(50);
  const connected = spotify?.status === 'connected';
  const playing = spotify?.isPlaying === true;
  const send = (label: string, action: 'play' | 'pause' | 'next') =>
    attempt(label, () => spotifyCommand(socket, { studioId, action }));
  return (
    <section class="coach-panel music-panel" aria-label="music controls">
      <div class="music-now" data-spotify-status={spotify?.status ?? 'none'}>
        {connected && spotify.track ? (
          <>
            <span class="music-title">{spotify.track.name}</span>
            <span class="music-artists">{spotify.track.artists.join(', ')}</span>
          </>
        ) : (
          <span class="music-title">
            {spotify === null || spotify.status === 'needs-auth'
              ? 'Spotify is not signed in'
              : connected
                ? 'Nothing playing'
                : 'Spotify is unavailable right now'}
          </span>
        )}
      </div>
      <div class="music-actions">
        {playing ? (
          <CommandButton label="Pause music" running={running} onClick={() => send('Pause music', 'pause')} />
        ) : (
          <CommandButton
            label="Play music"
            class="go"
            running={running}
            onClick={() => send('Play music', 'play')}
          />
        )}
        <CommandButton label="Next track" running={running} onClick={() => send('Next track', 'next')} />
      </div>
      <label class="volume">
        <span class="field-label">Volume</span>
        <input
          type="range"
          min={0}
          max={100}
          step={5}
          value={volume}
          onInput={(event) => setVolume(Number(event.currentTarget.value))}
          onChange={(event) => {
            const level = Number(event.currentTarget.value);
            void attempt('Volume', () =>
              spotifyCommand(socket, { studioId, action: 'volume', volume: level }),
            );
          }}
        />
        <output class="volume-value">{volume}%</output>
      </label>
      {mayOperate(role)
        ? !connected && (
            <CommandButton
              label="Sign in to Spotify"
              class="spotify"
              running={running}
              onClick={() => attempt('Sign in to Spotify', () => signIn(api, studioId))}
            />
          )
        : !connected && <p class="hint">An operator of the studio signs it in to Spotify.</p>}
    </section>
  );
}
