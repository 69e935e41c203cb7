// Spotify playback as the platform speaks of it: the `spotify:state` payload of
// contract 2, the subjects the Spotify worker serves, and its replies. What
// Spotify itself answers is parsed in apps/spotify-worker (spotify-json.ts).
import { z } from 'zod';
import { entityId, epochMs } from './common.js';

export const spotifyTrack = z.strictObject({
  id: z.string().min(1).max(128),
  name: z.string().max(500),
  artists: z.array(z.string().max(500)).max(50),
  album: z.string().max(500),
  durationMs: z.int().nonnegative(),
  imageUrl: z.string().max(2048).optional(),
});
export type SpotifyTrack = z.infer<typeof spotifyTrack>;

export const spotifyDevice = z.strictObject({
  id: z.string().min(1).max(128).nullable(),
  name: z.string().max(200),
  type: z.string().max(64),
  volumePercent: z.int().min(0).max(100).nullable(),
});
export type SpotifyDevice = z.infer<typeof spotifyDevice>;

export const spotifyStatus = z.enum(['connected', 'needs-auth', 'unavailable']);
export type SpotifyStatus = z.infer<typeof spotifyStatus>;

/**
 * `spotify:state` (contract 2). `progressMs` is the position at `at`: a screen
 * runs the progress bar itself while `isPlaying`, from `progressMs + (now - at)`.
 */
export const spotifyState = z.strictObject({
  studioId: entityId,
  status: spotifyStatus,
  isPlaying: z.boolean(),
  track: spotifyTrack.optional(),
  progressMs: z.int().nonnegative().optional(),
  at: epochMs,
});
export type SpotifyState = z.infer<typeof spotifyState>;

/** Core NATS request-reply subjects the Spotify worker answers (queue group `spotify-worker`). */
export const spotifySubjects = {
  /** `{ studioId }` → `{ ok, value: { url } }`: a Spotify authorization URL with a fresh `state`. */
  authorize: 'spotify.signin.authorize',
  /** `{ state, code }` → `{ ok, value: { studioId } }`: checks the state, exchanges the code. */
  callback: 'spotify.signin.callback',
  /**
   * Published (no reply) by whoever shows a studio's playback, at least every
   * 15 s while it does (realtime, for each studio room with a screen): the
   * worker then polls that studio fast.
   */
  watch: (studioId: string) => `spotify.watch.${studioId}`,
  allWatch: 'spotify.watch.>',
} as const;

export const spotifyAuthorizeRequest = z.strictObject({ studioId: entityId });
export type SpotifyAuthorizeRequest = z.infer<typeof spotifyAuthorizeRequest>;
export const spotifyCallbackRequest = z.strictObject({
  state: z.string().min(16).max(128),
  code: z.string().min(1).max(2048),
});
export type SpotifyCallbackRequest = z.infer<typeof spotifyCallbackRequest>;

const rpcError = z.strictObject({ code: z.string().min(1), message: z.string() });

/** A worker reply carrying a value of the given schema, or an error with a code. */
export function spotifyReply<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), value }),
    z.strictObject({ ok: z.literal(false), error: rpcError }),
  ]);
}
export const spotifyAuthorizeReply = spotifyReply(z.strictObject({ url: z.url() }));
export const spotifyCallbackReply = spotifyReply(z.strictObject({ studioId: entityId }));

/**
 * Error codes of the worker's replies (`spotifyCommandReply` and the sign-in replies);
 * the API maps each to an HTTP status (apps/api/src/spotify/spotify-errors.ts).
 */
export const spotifyErrorCode = z.enum([
  'no-active-device',
  'premium-required',
  'needs-auth',
  'not-connected',
  'not-configured',
  'forbidden',
  'unauthorized',
  'invalid-state',
  'invalid-command',
  'rate-limited',
  'spotify-unavailable',
  'not-available',
]);
export type SpotifyErrorCode = z.infer<typeof spotifyErrorCode>;
