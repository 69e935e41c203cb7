export const LOGGER = Symbol('Logger');
export const TICK_MS = Symbol('TickMs');
export const RATE_LIMIT = Symbol('RateLimit');
export const SPOTIFY_WATCH = Symbol('SpotifyWatch');
