// Contracts of the Spotify routes: they validate the requests and describe them in /api/docs.
import { z } from 'zod';
import { entityId, spotifyAction, spotifyState } from '#contracts';
import { routesTagged } from '../http/route.js';

const spotifyRoute = routesTagged('spotify');
const studioPath = { studioId: entityId };

/** What Spotify's redirect back carries: `code` and `state`, or `error` when the user declined. */
export const spotifyCallbackQuery = z.strictObject({
  state: z.string().min(16).max(128),
  code: z.string().min(1).max(2048).optional(),
  error: z.string().max(200).optional(),
});

/** The body of a playback command: `volume` with `volume`, `deviceId` with `transfer`. */
export const spotifyCommandBody = z.strictObject({
  volume: z.int().min(0).max(100).optional(),
  deviceId: z.string().min(1).max(128).optional(),
});

export const spotifyRoutes = {
  authorize: spotifyRoute({
    summary: "Sign the studio in to Spotify: a redirect to Spotify's consent page",
    description:
      'Answers 302 to Spotify with the scopes playback needs and a single-use `state` (10 minutes). ' +
      'Spotify sends the browser back to `GET /api/v1/spotify/callback`. A client that cannot follow a ' +
      'redirect with its bearer token reads the `Location` header, or asks with `Accept: application/json` ' +
      'and gets 200 `{ url }` instead of the 302 (what the web pages do). 503 when Spotify is not configured.',
    access: 'operate',
    scope: 'studio',
    params: studioPath,
    unavailable: true,
  }),
  callback: spotifyRoute({
    summary: "Spotify's redirect back after sign-in",
    description:
      'No bearer token: the single-use `state` from `authorize` identifies the studio. Exchanges the ' +
      '`code` for tokens, which the Spotify worker keeps encrypted. 400 for an unknown, used or expired state.',
    access: 'public',
    query: spotifyCallbackQuery,
    response: z.object({ studioId: entityId, status: z.literal('connected') }),
    unavailable: true,
  }),
  state: spotifyRoute({
    summary: "The studio's playback: what `spotify:state` shows",
    description:
      '`needs-auth` when the studio never signed in or must sign in again. `progressMs` is the position at `at`.',
    access: 'read',
    scope: 'studio',
    params: studioPath,
    response: spotifyState,
  }),
  command: spotifyRoute({
    summary: 'Play, pause, next, previous, volume, transfer',
    description:
      'Forwarded to the Spotify worker. Problems carry `type` `urn:hrm:spotify:<code>`: 409 ' +
      '`no-active-device`, `needs-auth`, `not-connected`; 403 `premium-required`; 429 `rate-limited`; ' +
      '503 `not-configured`, `not-available`, `spotify-unavailable`.',
    access: 'write',
    scope: 'studio',
    paramsFirst: true,
    params: { ...studioPath, action: spotifyAction },
    body: spotifyCommandBody,
    rules: true,
    unavailable: true,
  }),
};
