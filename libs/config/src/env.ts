// One validated configuration schema per service. Defaults make the local
// stack work with no setup; `scripts/start.ts` fills in the URLs it starts.
import { z } from 'zod';
import { describeIssues } from '#contracts';

const port = z.coerce.number().int().min(1).max(65535);
const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));

export const commonEnv = z.object({
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
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
});

export const realtimeEnv = commonEnv.extend({
  REALTIME_PORT: port.default(3001),
  /** Period of the coalesced `hrm:values` frames. */
  HRM_TICK_MS: z.coerce.number().int().min(100).max(10_000).default(1000),
  HRM_ADMIN_TOKEN: commonEnv.shape.HRM_ADMIN_TOKEN.unwrap(),
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
});

export const spotifyWorkerEnv = commonEnv.extend({
  SPOTIFY_WORKER_PORT: port.default(3003),
});

export const stackEnv = z.object({
  NATS_URL: z.string().min(1).optional(),
  DATABASE_URL: z.string().startsWith('postgres').optional(),
  API_PORT: port.default(3000),
  REALTIME_PORT: port.default(3001),
  INGEST_PORT: port.default(3002),
  SPOTIFY_WORKER_PORT: port.default(3003),
  HRM_DATA_DIR: z.string().min(1).default('.data'),
  HRM_ADMIN_TOKEN: z.string().min(16).optional(),
  HRM_DEMO: flag.default(true),
});

export type ApiEnv = z.infer<typeof apiEnv>;
export type RealtimeEnv = z.infer<typeof realtimeEnv>;
export type IngestEnv = z.infer<typeof ingestEnv>;
export type SpotifyWorkerEnv = z.infer<typeof spotifyWorkerEnv>;
export type StackEnv = z.infer<typeof stackEnv>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment, or throws one readable line naming every bad variable. */
export function loadEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(`invalid configuration: ${describeIssues(result.error)}`);
  return result.data;
}
