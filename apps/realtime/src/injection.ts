/** Nest injection keys (what `@Inject` names) for values created before Nest starts. */
export const LOGGER = Symbol('Logger');
export const TICK_MS = Symbol('TickMs');
export const RATE_LIMIT = Symbol('RateLimit');
export const SPOTIFY_WATCH = Symbol('SpotifyWatch');
