// One validated configuration schema per service. Defaults make the local
// stack work with no setup; `scripts/start.ts` fills in the URLs it starts.
import { z } from 'zod';
import { GATEWAY_MAX_FUTURE_MS, GATEWAY_MAX_FUTURE_MS_LIMIT, describeIssues } from '#contracts';

const port = z.coerce.number().int().min(1).max(65535);
const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));

/** A file's path; compose passes `${VAR:-}` as an empty string, meaning unset. */
const optionalPath = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().min(1).optional(),
);

/**
 * nats-server's JetStream `sync_interval`: how often it flushes stored
 * messages to disk (`always`: before acknowledging each one). Unset: the
 * server's default (2 minutes). nats-server 2.10 or later.
 */
export const natsSyncInterval = z
  .string()
  .regex(/^(always|[1-9][0-9]*(ms|s|m|h))$/, 'must be `always` or a duration such as 500ms, 10s, 2m')
  .optional();

/** The servers of a NATS_URL: one, or a cluster's as a comma-separated list (spaces around commas ignored). */
export function natsServers(url: string): string[] {
  return url
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server !== '');
}

/** `num_replicas` of the streams and KV buckets: 1 on a single server, 3 (or 5) on a cluster. */
export const streamReplicas = z.coerce.number().int().min(1).max(5).default(1);

export const commonEnv = z.object({
  /** One server, or a cluster's servers as a comma-separated list (a client reconnects to any of them). */
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** The replicas this service asks for the streams it creates (raised on existing ones, never lowered). */
  HRM_STREAM_REPLICAS: streamReplicas,
  /** This service's NATS credentials file (user JWT and seed); `npm start` and compose issue one per service. */
  NATS_CREDS: optionalPath,
  /** The certificate authority of the NATS server's TLS certificate (PEM), when it is not a public one. */
  NATS_TLS_CA: optionalPath,
  DATABASE_URL: z.string().startsWith('postgres').default('postgresql://postgres@127.0.0.1:5432/hrm'),
  /** Operator token that can do everything; compared in constant time, never logged. */
  HRM_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** This instance's name on its NATS connection; defaults to service, host and pid. */
  HRM_INSTANCE: z.string().min(1).max(64).optional(),
});

export const apiEnv = commonEnv.extend({
  API_PORT: port.default(3000),
  HRM_ADMIN_TOKEN: commonEnv.shape.HRM_ADMIN_TOKEN.unwrap(),
  /**
   * Gateway registration (all three, with NATS_CREDS, or none: the gateway routes answer 503).
   * The HRM account's signing key seed file, which signs each gateway's credentials.
   */
  NATS_ACCOUNT_SIGNER: optionalPath,
  /** The operator's signing key seed file, which signs the account JWT carrying revocations. */
  NATS_OPERATOR_SIGNER: optionalPath,
  /** A system-account user's credentials that may push account JWT updates (revoking a gateway). */
  NATS_ACCOUNT_ADMIN_CREDS: optionalPath,
  /** The realtime service's URL as browsers reach it (`GET /api/v1/config`); unset: the page's host with REALTIME_PORT. */
  HRM_PUBLIC_REALTIME_URL: z.preprocess((value) => (value === '' ? undefined : value), z.url().optional()),
  REALTIME_PORT: port.default(3001),
  /** The built web app (`npm run build`); unset: dist/web. */
  HRM_WEB_DIR: optionalPath,
});

/**
 * How far a gateway's timestamp may be ahead of the moment the platform received it
 * (`GATEWAY_MAX_FUTURE_MS` by default): ingest refuses a sample further ahead, and
 * realtime takes none further ahead of its event's recording as an athlete's latest.
 */
const maxFutureMs = z.coerce
  .number()
  .int()
  .min(0)
  .max(GATEWAY_MAX_FUTURE_MS_LIMIT)
  .default(GATEWAY_MAX_FUTURE_MS);

export const realtimeEnv = commonEnv.extend({
  REALTIME_PORT: port.default(3001),
  /** Period of the coalesced `hrm:values` frames. */
  HRM_TICK_MS: z.coerce.number().int().min(100).max(10_000).default(1000),
  /** Per socket: requests it may send at once, requests a second after that, refusals before a disconnect. */
  REALTIME_RATE_BURST: z.coerce.number().int().min(1).max(10_000).default(20),
  REALTIME_RATE_PER_SECOND: z.coerce.number().min(0.1).max(10_000).default(10),
  REALTIME_RATE_DISCONNECT_AFTER: z.coerce.number().int().min(1).max(10_000).default(20),
  /** How long a timer or playback command waits for its owner before answering not-available. */
  REALTIME_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
  INGEST_MAX_FUTURE_MS: maxFutureMs,
  HRM_ADMIN_TOKEN: commonEnv.shape.HRM_ADMIN_TOKEN.unwrap(),
  /** How long an ended class nobody watches stays in memory after its end or its last screen (15 min). */
  REALTIME_KEEP_ENDED_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(15 * 60 * 1000),
});

export const ingestEnv = commonEnv.extend({
  INGEST_PORT: port.default(3002),
  /** Samples fetched from the ingress stream per pull. */
  INGEST_BATCH: z.coerce.number().int().min(1).max(1000).default(256),
  /** Gateway messages whose heart-rate events are published at once (their acks awaited together). */
  INGEST_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(32),
  /** How long a fetched message may stay unacked before JetStream redelivers it (after a crash). */
  INGEST_ACK_WAIT_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  /** A strap's last seen, RSSI and gateway are written at most this often (a battery change at once). */
  INGEST_DEVICE_STATUS_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  INGEST_MAX_FUTURE_MS: maxFutureMs,
});

/** 32 bytes, as 64 hex characters or base64 (standard or url-safe); never logged. */
export const secretKey = z
  .string()
  .trim()
  .transform((value, context) => {
    const bytes = /^[0-9a-fA-F]{64}$/.test(value)
      ? Buffer.from(value, 'hex')
      : Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length !== 32) {
      context.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex characters or base64' });
      return z.NEVER;
    }
    return bytes;
  });

/** Compose passes `${VAR:-}` as an empty string: that means unset. */
const optionalText = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.string().min(1).optional(),
);
const httpUrl = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));

export const spotifyWorkerEnv = commonEnv.extend({
  SPOTIFY_WORKER_PORT: port.default(3003),
  /** Encrypts the Spotify tokens at rest (AES-256-GCM). `npm start` keeps one in HRM_DATA_DIR/secret-key. */
  HRM_SECRET_KEY: secretKey,
  /** The app registered with Spotify; without it sign-in answers `not-configured`. */
  SPOTIFY_CLIENT_ID: optionalText,
  SPOTIFY_CLIENT_SECRET: optionalText,
  /** Where Spotify sends the browser back: the API's GET /api/v1/spotify/callback. */
  SPOTIFY_REDIRECT_URI: z.url().default('http://127.0.0.1:3000/api/v1/spotify/callback'),
  /** Spotify's accounts service (authorize, token); a fake in tests and the demo. */
  SPOTIFY_ACCOUNTS_URL: httpUrl.default('https://accounts.spotify.com'),
  /** Spotify's Web API; a fake in tests and the demo. */
  SPOTIFY_API_URL: httpUrl.default('https://api.spotify.com'),
  /** Playback poll period while a class of the studio is live or a screen watches it. */
  SPOTIFY_POLL_FAST_MS: z.coerce.number().int().min(250).max(60_000).default(1500),
  /** Playback poll period otherwise. */
  SPOTIFY_POLL_SLOW_MS: z.coerce.number().int().min(1000).max(600_000).default(20_000),
});

export const stackEnv = z
  .object({
    NATS_URL: z.string().min(1).optional(),
    DATABASE_URL: z.string().startsWith('postgres').optional(),
    API_PORT: port.default(3000),
    REALTIME_PORT: port.default(3001),
    INGEST_PORT: port.default(3002),
    SPOTIFY_WORKER_PORT: port.default(3003),
    HRM_DATA_DIR: z.string().min(1).default('.data'),
    HRM_ADMIN_TOKEN: z.string().min(16).optional(),
    HRM_DEMO: flag.default(true),
    /** Our nats-server serves its client port over TLS with this certificate and key (PEM files); both or neither. */
    NATS_TLS_CERT: optionalPath,
    NATS_TLS_KEY: optionalPath,
    /** What the services and the demo trust for that certificate when it is not a public one. */
    NATS_TLS_CA: optionalPath,
    /** Kept in HRM_DATA_DIR/secret-key when unset. */
    HRM_SECRET_KEY: z.string().min(1).optional(),
    /** Unset with the demo on: the demo runs a fake Spotify. */
    SPOTIFY_CLIENT_ID: optionalText,
    /** Our NATS as a cluster of this many nats-server processes (1: one server); streams get as many replicas. */
    HRM_NATS_CLUSTER: z.coerce
      .number()
      .int()
      .refine((n) => n === 1 || n === 3 || n === 5, 'must be 1, 3 or 5')
      .default(1),
    /** Our nats-server's JetStream sync_interval (see natsSyncInterval). */
    HRM_NATS_SYNC_INTERVAL: natsSyncInterval,
  })
  .refine((env) => (env.NATS_TLS_CERT === undefined) === (env.NATS_TLS_KEY === undefined), {
    message: 'set both NATS_TLS_CERT and NATS_TLS_KEY, or neither',
    path: ['NATS_TLS_CERT'],
  });

/**
 * The compose setup service (scripts/nats-setup.ts): the NATS trust chain and
 * every platform user's creds in NATS_AUTH_DIR (keys reused when present), and
 * the server's configuration file there.
 */
export const natsSetupEnv = z
  .object({
    NATS_AUTH_DIR: z.string().min(1).default('.data/nats-auth'),
    /** The certificate and key as the nats-server reads them (PEM files); both or neither. */
    NATS_TLS_CERT: optionalPath,
    NATS_TLS_KEY: optionalPath,
    /** JetStream's sync_interval in the server's configuration (see natsSyncInterval). */
    HRM_NATS_SYNC_INTERVAL: z.preprocess((value) => (value === '' ? undefined : value), natsSyncInterval),
  })
  .refine((env) => (env.NATS_TLS_CERT === undefined) === (env.NATS_TLS_KEY === undefined), {
    message: 'set both NATS_TLS_CERT and NATS_TLS_KEY, or neither',
    path: ['NATS_TLS_CERT'],
  });

/** `npm run status`: which API to ask, with which operator token (else the stack's in HRM_DATA_DIR). */
export const statusEnv = z.object({
  /** The API's base URL, e.g. `http://10.0.0.5:3000`; else `http://127.0.0.1:<port>` of the local stack. */
  HRM_API_URL: httpUrl.optional(),
  /** The local API's port; else the one HRM_DATA_DIR/ports.json remembers, else 3000. */
  API_PORT: port.optional(),
  HRM_DATA_DIR: z.string().min(1).default('.data'),
  HRM_ADMIN_TOKEN: z.string().min(16).optional(),
});

/** The migrate image (scripts/migrate.ts): the database to bring up to date, no default. */
export const migrateEnv = z.object({ DATABASE_URL: z.string().startsWith('postgres') });

/**
 * The demo entry of `docker compose --profile demo` (scripts/demo.ts): the demo
 * studio of `npm start`, set up through a platform that is already running.
 */
export const demoEnv = z
  .object({
    NATS_URL: commonEnv.shape.NATS_URL,
    /** The CA of the NATS server's TLS certificate, when it is not a public one. */
    NATS_TLS_CA: commonEnv.shape.NATS_TLS_CA,
    /** The API as this process reaches it (compose: the api service). */
    API_URL: httpUrl.default('http://127.0.0.1:3000'),
    HRM_ADMIN_TOKEN: commonEnv.shape.HRM_ADMIN_TOKEN.unwrap(),
    /** Where the demo remembers its studio, athletes and class between starts (a volume in compose). */
    HRM_DATA_DIR: z.string().min(1).default('.data'),
    /** The realtime port as the user's machine reaches it, for the watch command the demo prints. */
    REALTIME_HOST_PORT: port.default(3001),
    /** The API's port as the user's machine reaches it, for the page links the demo prints. */
    API_HOST_PORT: port.default(3000),
    /**
     * Run the fake Spotify of libs/testing and sign the demo studio in to it. The
     * Spotify worker must use it: SPOTIFY_ACCOUNTS_URL and SPOTIFY_API_URL pointing
     * here, and the same SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET.
     */
    DEMO_SPOTIFY: flag.default(false),
    DEMO_SPOTIFY_PORT: port.default(3004),
    SPOTIFY_CLIENT_ID: optionalText,
    SPOTIFY_CLIENT_SECRET: optionalText,
  })
  .refine((env) => !env.DEMO_SPOTIFY || (env.SPOTIFY_CLIENT_ID && env.SPOTIFY_CLIENT_SECRET), {
    message: 'DEMO_SPOTIFY needs SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (those the Spotify worker uses)',
    path: ['DEMO_SPOTIFY'],
  });

export type ApiEnv = z.infer<typeof apiEnv>;
export type RealtimeEnv = z.infer<typeof realtimeEnv>;
export type IngestEnv = z.infer<typeof ingestEnv>;
export type SpotifyWorkerEnv = z.infer<typeof spotifyWorkerEnv>;
export type StackEnv = z.infer<typeof stackEnv>;
export type StatusEnv = z.infer<typeof statusEnv>;
export type NatsSetupEnv = z.infer<typeof natsSetupEnv>;
export type DemoEnv = z.infer<typeof demoEnv>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment, or throws one readable line naming every bad variable. */
export function loadEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(`invalid configuration: ${describeIssues(result.error)}`);
  return result.data;
}
