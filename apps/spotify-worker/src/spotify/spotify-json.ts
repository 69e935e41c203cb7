// Spotify's JSON, parsed: only the fields the worker reads, loosely (Spotify
// adds fields), and turned into the platform's own shapes right away.
import { z } from 'zod';
import type { SpotifyDevice, SpotifyTrack } from '#contracts';

export const tokenGrantJson = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** `{ error: 'invalid_grant', error_description }` from the accounts service. */
export const authErrorJson = z.object({ error: z.string(), error_description: z.string().optional() });

/** `{ error: { status, message, reason? } }` from the Web API. */
export const apiErrorJson = z.object({
  error: z.object({
    status: z.number().optional(),
    message: z.string().optional(),
    reason: z.string().optional(),
  }),
});

const deviceJson = z.object({
  id: z.string().nullable(),
  name: z.string(),
  type: z.string(),
  volume_percent: z.number().int().min(0).max(100).nullable().optional(),
});

const trackJson = z.object({
  id: z.string().nullable(),
  name: z.string(),
  duration_ms: z.number().int().nonnegative(),
  type: z.literal('track'),
  artists: z.array(z.object({ name: z.string() })),
  album: z.object({ name: z.string(), images: z.array(z.object({ url: z.string() })).optional() }),
});
/** Podcasts and ads come as other item types; they show as "nothing we can name". */
const otherItemJson = z.object({ type: z.string() });

export const playbackJson = z.object({
  device: deviceJson.nullable().optional(),
  progress_ms: z.number().int().nonnegative().nullable().optional(),
  is_playing: z.boolean(),
  item: z.union([trackJson, otherItemJson]).nullable().optional(),
});

export interface Playback {
  isPlaying: boolean;
  track: SpotifyTrack | null;
  progressMs: number | null;
  device: SpotifyDevice | null;
}

export function toPlayback(json: z.infer<typeof playbackJson>): Playback {
  const item = json.item;
  const track =
    item !== null && item !== undefined && 'duration_ms' in item && item.id !== null
      ? {
          id: item.id,
          name: item.name,
          artists: item.artists.map((artist) => artist.name),
          album: item.album.name,
          durationMs: item.duration_ms,
          ...(item.album.images?.[0] !== undefined && { imageUrl: item.album.images[0].url }),
        }
      : null;
  const device = json.device
    ? {
        id: json.device.id,
        name: json.device.name,
        type: json.device.type,
        volumePercent: json.device.volume_percent ?? null,
      }
    : null;
  return { isPlaying: json.is_playing, track, progressMs: json.progress_ms ?? null, device };
}
