// The worker's parts, wired: Spotify credentials, sign-in, commands, polling. main.ts runs
// one; tests run several in one process, as several instances.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger, SpotifyWorkerEnv } from '#config';
import type { Db } from '#db';
import type { EventStore } from '#eventstore';
import { isTokenActive, type Metrics } from '#platform';
import { PlaybackCommands } from './playback-commands.js';
import { PlaybackPoller } from './playback/playback-poller.js';
import { PollLeases } from './playback/poll-lease.js';
import { SpotifyEvents } from './playback/spotify-events.js';
import { StudioActivity } from './playback/studio-activity.js';
import { SignIn } from './sign-in.js';
import { SpotifyClient, type SpotifyCallObserver } from './spotify/spotify-client.js';
import { serveSpotifyRequests } from './spotify-requests.js';
import { SpotifyAccess } from './credentials/spotify-access.js';
import { PgCredentialStore } from './credentials/credential-store.js';

export type SpotifyWorkerConfig = Pick<
  SpotifyWorkerEnv,
  | 'HRM_SECRET_KEY'
  | 'SPOTIFY_CLIENT_ID'
  | 'SPOTIFY_CLIENT_SECRET'
  | 'SPOTIFY_REDIRECT_URI'
  | 'SPOTIFY_ACCOUNTS_URL'
  | 'SPOTIFY_API_URL'
  | 'SPOTIFY_POLL_FAST_MS'
  | 'SPOTIFY_POLL_SLOW_MS'
>;

export interface RunningSpotifyWorker {
  poller: PlaybackPoller | null;
  /** Which studios poll fast; null while Spotify is off. */
  activity: StudioActivity | null;
  stop(): Promise<void>;
}

/** The worker's /metrics: every call to Spotify by outcome, token refreshes, studios polled. */
function spotifyMetrics(metrics: Metrics, poller: () => PlaybackPoller | null): SpotifyCallObserver {
  const calls = metrics.counter(
    'hrm_spotify_calls_total',
    "Calls to Spotify's API and accounts service, by call and outcome (ok, or the failure's kind)",
  );
  const duration = metrics.histogram(
    'hrm_spotify_call_duration_seconds',
    'Time a call to Spotify took, by call',
  );
  const refreshes = metrics.counter(
    'hrm_spotify_token_refreshes_total',
    'Access token refreshes, by outcome (invalid-grant: the studio must sign in again)',
  );
  const polled = metrics.gauge(
    'hrm_spotify_studios_polled',
    'Studios this instance polls (it holds their lease)',
  );
  metrics.collect(() => polled(poller()?.studiosPolled ?? 0));
  return (call, outcome, seconds) => {
    calls({ call, outcome });
    duration(seconds, { call });
    if (call === 'refresh') refreshes({ outcome });
  };
}

export async function startSpotifyWorker(
  config: SpotifyWorkerConfig,
  deps: {
    nats: NatsConnection;
    db: Db;
    store: EventStore;
    logger: Logger;
    instance: string;
    metrics?: Metrics;
  },
): Promise<RunningSpotifyWorker> {
  const { nats, db, store, logger, instance } = deps;
  let poller: PlaybackPoller | null = null;
  const observe = deps.metrics ? spotifyMetrics(deps.metrics, () => poller) : undefined;
  const spotify =
    config.SPOTIFY_CLIENT_ID !== undefined && config.SPOTIFY_CLIENT_SECRET !== undefined
      ? new SpotifyClient(
          {
            clientId: config.SPOTIFY_CLIENT_ID,
            clientSecret: config.SPOTIFY_CLIENT_SECRET,
            redirectUri: config.SPOTIFY_REDIRECT_URI,
            accountsUrl: config.SPOTIFY_ACCOUNTS_URL,
            apiUrl: config.SPOTIFY_API_URL,
          },
          observe,
        )
      : null;
  if (spotify === null) logger.warn('SPOTIFY_CLIENT_ID or SPOTIFY_CLIENT_SECRET unset: Spotify is off');
  const credentialStore = new PgCredentialStore(db, config.HRM_SECRET_KEY);
  const events = new SpotifyEvents(store);
  const onNeedsAuth = async (studioId: string) => {
    logger.warn('spotify refused the refresh token: the studio must sign in again', { studioId });
    await events.append(studioId, {
      type: 'spotify.needs-auth',
      data: { studioId, reason: 'invalid_grant' },
    });
  };
  const noSpotify: Pick<SpotifyClient, 'refresh'> = {
    refresh: async () => ({ ok: false, error: { kind: 'network', message: 'Spotify is not configured' } }),
  };
  const access = new SpotifyAccess(credentialStore, spotify ?? noSpotify, onNeedsAuth);
  const commands = new PlaybackCommands(
    (tokenId) => isTokenActive(db, tokenId),
    access,
    spotify,
    (studioId) => poller?.pollSoon(studioId),
  );
  const signIn = new SignIn(db, spotify, credentialStore, events, (studioId) => poller?.pollSoon(studioId));
  const requests = await serveSpotifyRequests(nats, commands, signIn, logger);
  let activity: StudioActivity | null = null;
  if (spotify !== null) {
    // Its reader of the class subjects counts among store.readers (/healthz): ready once it has caught up.
    activity = new StudioActivity(store, logger);
    await activity.start(nats);
    poller = new PlaybackPoller(
      access,
      credentialStore,
      spotify,
      events,
      new PollLeases(db, instance, Math.max(10_000, 3 * config.SPOTIFY_POLL_FAST_MS)),
      activity,
      logger,
      { fastMs: config.SPOTIFY_POLL_FAST_MS, slowMs: config.SPOTIFY_POLL_SLOW_MS, leaseEveryMs: 3000 },
    );
    poller.start();
  }
  return {
    poller,
    activity,
    async stop() {
      await requests.close();
      await poller?.stop();
      await activity?.stop();
    },
  };
}
