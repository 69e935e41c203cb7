// The test run's own NATS and Postgres, started once by Jest's global setup
// (or taken from HRM_TEST_NATS_URL / HRM_TEST_DATABASE_URL when given).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalPostgres, NatsServer, migrateDatabase } from '#localstack';

export const TEMPLATE_DATABASE = 'hrm_test_template';

export interface TestEnvironment {
  natsUrl: string;
  /** A URL of the Postgres server (any database) that may create databases. */
  postgresAdminUrl: string;
  stop(): Promise<void>;
}

/** A temporary directory the `postgres` user can enter (mkdtemp makes 0700). */
export function temporaryDirectory(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function startTestEnvironment(): Promise<TestEnvironment> {
  const root = temporaryDirectory('hrm-test');
  const givenNats = process.env.HRM_TEST_NATS_URL;
  const givenPostgres = process.env.HRM_TEST_DATABASE_URL;
  // Side by side; when one fails, the other is stopped before the error reaches Jest.
  const [nats, postgres] = await Promise.allSettled([
    givenNats ? null : NatsServer.start({ dataDir: path.join(root, 'nats') }),
    givenPostgres ? null : LocalPostgres.start({ dataDir: path.join(root, 'pg') }),
  ]);
  const stop = async () => {
    if (nats.status === 'fulfilled') await nats.value?.stop();
    if (postgres.status === 'fulfilled') await postgres.value?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  };
  if (nats.status === 'rejected' || postgres.status === 'rejected') {
    await stop();
    const reasons = [nats, postgres].flatMap((result) =>
      result.status === 'rejected' ? [result.reason] : [],
    );
    throw new Error(`the test run's NATS and Postgres could not start: ${reasons.map(messageOf).join('; ')}`);
  }
  const postgresAdminUrl = givenPostgres ?? postgres.value?.url('postgres') ?? '';
  const natsUrl = givenNats ?? nats.value?.url ?? '';
  try {
    await recreateTemplate(postgresAdminUrl);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    natsUrl,
    postgresAdminUrl,
    stop,
  };
}

async function recreateTemplate(adminUrl: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await client.end();
  }
  await migrateDatabase(withDatabase(adminUrl, TEMPLATE_DATABASE));
}

export { withDatabase };
