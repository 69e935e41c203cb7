// The body of every service's /healthz and /readyz (docs/contracts/rest.md, health and metrics).
import { z } from 'zod';

export const healthReport = z.object({
  status: z.enum(['ok', 'unavailable']),
  service: z.string(),
  checks: z.record(z.string(), z.enum(['up', 'down'])),
  /** Why each check that is down is down (e.g. `log: "evt.session.> not following for 7 s"`); absent when all are up. */
  reasons: z.record(z.string(), z.string()).optional(),
});
export type HealthReport = z.infer<typeof healthReport>;

/** The services of the platform: each has at least one instance in a healthy deployment. */
export const platformServices = ['api', 'realtime', 'ingest', 'spotify-worker'] as const;
export const platformService = z.enum(platformServices);
export type PlatformService = z.infer<typeof platformService>;

/**
 * Where running instances announce themselves: a NATS KV bucket, one key per
 * instance, written every `heartbeatMs` and deleted on a clean stop. An entry
 * older than `silentAfterMs` is an instance that stopped answering (killed,
 * hung, cut off from NATS); after `ttlMs` JetStream forgets it.
 */
export const instanceRegistry = {
  bucket: 'hrm_instances',
  heartbeatMs: 5_000,
  silentAfterMs: 15_000,
  ttlMs: 10 * 60 * 1000,
} as const;

/** A KV key holds letters, digits, `-`, `_`, `=` and `.`: the instance name, anything else replaced. */
export const instanceKey = (instance: string) => instance.replace(/[^A-Za-z0-9_=-]/g, '_');

/** One instance's announcement, the value of its key in `instanceRegistry.bucket`. */
export const instanceAnnouncement = z.object({
  service: platformService,
  /** Its name on NATS (HRM_INSTANCE, or service, host and pid). */
  instance: z.string().min(1).max(128),
  /** The platform's version it runs (package.json). */
  version: z.string().min(1).max(64),
  host: z.string().min(1).max(255),
  port: z.int().min(1).max(65535),
  /** `http://<host>:<port>/healthz`: where an operator on the same network can ask it. */
  healthUrl: z.url(),
  startedAt: z.int().nonnegative(),
  /** When this announcement was written. */
  at: z.int().nonnegative(),
  /** What its own /healthz answered at `at`. */
  health: healthReport,
});
export type InstanceAnnouncement = z.infer<typeof instanceAnnouncement>;

/** `up`: announced and ready; `unavailable`: announced, a check is down; `silent`: no announcement for `silentAfterMs`. */
export const instanceState = z.enum(['up', 'unavailable', 'silent']);
export type InstanceState = z.infer<typeof instanceState>;

/** ok: everything answers; degraded: the platform works, something needs a look; down: it cannot work. */
export const overallStatus = z.enum(['ok', 'degraded', 'down']);
export type OverallStatus = z.infer<typeof overallStatus>;

export const partStatus = z.enum(['up', 'down']);

export const instanceHealth = z.object({
  instance: z.string(),
  state: instanceState,
  version: z.string(),
  healthUrl: z.string(),
  startedAt: z.int().nonnegative(),
  /** Milliseconds since its last announcement. */
  lastSeenMsAgo: z.int().nonnegative(),
  checks: z.record(z.string(), z.enum(['up', 'down'])),
  reasons: z.record(z.string(), z.string()).optional(),
});
export type InstanceHealth = z.infer<typeof instanceHealth>;

export const serviceHealth = z.object({
  service: platformService,
  /** ok: every instance up; degraded: some are; down: none is (or none runs); unknown: the registry cannot be read. */
  status: z.enum(['ok', 'degraded', 'down', 'unknown']),
  instances: z.array(instanceHealth),
});
export type ServiceHealth = z.infer<typeof serviceHealth>;

export const streamHealth = z.object({
  name: z.string(),
  messages: z.int().nonnegative(),
  bytes: z.int().nonnegative(),
  firstSeq: z.int().nonnegative(),
  lastSeq: z.int().nonnegative(),
  /** Every consumer, the short-lived readers' included. */
  consumers: z.int().nonnegative(),
});
export type StreamHealth = z.infer<typeof streamHealth>;

/** A durable consumer and its lag. */
export const consumerHealth = z.object({
  stream: z.string(),
  name: z.string(),
  filterSubject: z.string().nullable(),
  /** Messages of its filter not yet delivered. */
  pending: z.int().nonnegative(),
  /** Delivered, not yet acknowledged. */
  ackPending: z.int().nonnegative(),
  redelivered: z.int().nonnegative(),
  /** Pull requests waiting: 0 means no instance is consuming right now. */
  waiting: z.int().nonnegative(),
});
export type ConsumerHealth = z.infer<typeof consumerHealth>;

export const natsHealth = z.object({
  status: partStatus,
  reason: z.string().optional(),
  /** The server the API is connected to. */
  server: z
    .object({
      version: z.string(),
      /** Its configured name; null when it has none (NATS then names it by its id). */
      name: z.string().nullable(),
    })
    .nullable(),
  /** Round trip to the server, milliseconds. */
  rttMs: z.number().nonnegative().nullable(),
  streams: z.array(streamHealth),
  consumers: z.array(consumerHealth),
});
export type NatsHealth = z.infer<typeof natsHealth>;

export const postgresHealth = z.object({
  status: partStatus,
  reason: z.string().optional(),
  /** One `SELECT 1` from the API, milliseconds. */
  latencyMs: z.number().nonnegative().nullable(),
});
export type PostgresHealth = z.infer<typeof postgresHealth>;

/** A projection's place in its stream: its checkpoint and what of its filter lies after it. */
export const projectionHealth = z.object({
  name: z.string(),
  stream: z.string(),
  filterSubject: z.string(),
  /** The stream sequence of the last event it applied (0: none yet); null when Postgres does not answer. */
  position: z.int().nonnegative().nullable(),
  /** The sequence of the last event of its filter in the stream; null when NATS does not answer. */
  lastSeq: z.int().nonnegative().nullable(),
  /** Events of its filter after its position; null when either is unknown. */
  behind: z.int().nonnegative().nullable(),
  /** Events it parked and nobody replayed yet; null when Postgres does not answer. */
  parked: z.int().nonnegative().nullable(),
});
export type ProjectionHealth = z.infer<typeof projectionHealth>;

/** GET /api/v1/admin/health: the whole platform as the API sees it. */
export const platformHealth = z.object({
  status: overallStatus,
  checkedAt: z.int().nonnegative(),
  /** One line for each thing that is not ok, most serious first; empty when `status` is ok. */
  problems: z.array(z.string()),
  services: z.array(serviceHealth),
  nats: natsHealth,
  postgres: postgresHealth,
  projections: z.array(projectionHealth),
});
export type PlatformHealth = z.infer<typeof platformHealth>;
