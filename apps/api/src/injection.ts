/** Nest injection keys (what `@Inject` names) for values created before Nest starts. */
export const DB = Symbol('Db');
export const LOGGER = Symbol('Logger');
export const NATS = Symbol('NatsConnection');
/** Nest's NATS client for asking the Spotify worker (sign-in, playback commands). */
export const SPOTIFY_WORKER = Symbol('SpotifyWorker');
/** Where the web app is and how its pages reach the realtime service. */
export const WEB = Symbol('Web');
