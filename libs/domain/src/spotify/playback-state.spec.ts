import { describe, expect, it } from '@jest/globals';
import type { SpotifyEvent } from '#contracts';
import { evolveSpotifyState, playbackChanged, type PlaybackView } from './playback-state.js';

const envelope = { id: 'e', occurredAt: 1_000, recordedAt: 1_000, correlationId: 'c', causationId: null };
const track = { id: 't1', name: 'Run', artists: ['A'], album: 'B', durationMs: 200_000 };
const device = { id: 'd1', name: 'Studio speaker', type: 'Speaker', volumePercent: 60 };

describe('evolveSpotifyState', () => {
  it('folds connected, playback and needs-auth into spotify:state', () => {
    const events: SpotifyEvent[] = [
      { ...envelope, type: 'spotify.connected', data: { studioId: 'st', scope: 'x' } },
      {
        ...envelope,
        type: 'spotify.playback-changed',
        data: { studioId: 'st', isPlaying: true, track, progressMs: 5_000, device, at: 2_000 },
      },
    ];
    const state = events.reduce(evolveSpotifyState, null);
    expect(state).toEqual({
      studioId: 'st',
      status: 'connected',
      isPlaying: true,
      track,
      progressMs: 5_000,
      at: 2_000,
    });
    const lost = evolveSpotifyState(state, {
      ...envelope,
      occurredAt: 3_000,
      type: 'spotify.needs-auth',
      data: { studioId: 'st', reason: 'invalid_grant' },
    });
    expect(lost).toEqual({ studioId: 'st', status: 'needs-auth', isPlaying: false, at: 3_000 });
  });
});

describe('playbackChanged', () => {
  const playing: PlaybackView = { isPlaying: true, track, device };
  it('is true for a new track, play/pause or another device, not for the same view', () => {
    expect(playbackChanged(null, playing)).toBe(true);
    expect(playbackChanged(playing, { ...playing })).toBe(false);
    expect(playbackChanged(playing, { ...playing, isPlaying: false })).toBe(true);
    expect(playbackChanged(playing, { ...playing, track: { ...track, id: 't2' } })).toBe(true);
    expect(playbackChanged(playing, { ...playing, device: { ...device, id: 'd2' } })).toBe(true);
    expect(playbackChanged(playing, { ...playing, track: null })).toBe(true);
  });
});
