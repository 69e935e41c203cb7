// The Spotify worker's error codes as HTTP statuses, in one place.
import { OwnerRefusedError } from '../http/errors.js';

const statuses: Record<string, number> = {
  'invalid-command': 400,
  'invalid-state': 400,
  unauthorized: 401,
  forbidden: 403,
  'premium-required': 403,
  'not-found': 404,
  'no-active-device': 409,
  'needs-auth': 409,
  'not-connected': 409,
  'rate-limited': 429,
  'spotify-refused': 502,
  'spotify-unavailable': 503,
  'not-configured': 503,
  'not-available': 503,
};

export function spotifyRefusal(error: { code: string; message: string }): OwnerRefusedError {
  return new OwnerRefusedError('spotify', error.code, statuses[error.code] ?? 502, error.message);
}
