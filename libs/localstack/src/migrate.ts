// Applies the Prisma migrations in prisma/migrations, in-process, with `pg`.
//
// `prisma migrate deploy` costs 2-3 s of CPU to start its engine (then lingers
// about 10 s on a timer nothing cancels), and `npm start` and every test run
// pay it on their critical path. The work itself is small: run each pending
// migration.sql in order and record it. This runner does exactly that, and
// keeps Prisma's own books, so the CLI (`prisma migrate status`, `deploy`,
// `resolve`, the Docker image's migrate target) sees the same state:
// - the `_prisma_migrations` table, as Prisma creates it, one row per migration,
//   with Prisma's checksum (SHA-256 of the file, hex);
// - Prisma's advisory lock, so this runner and the CLI never interleave;
// - unlike the CLI, each migration and its row are one transaction: a failing
//   migration leaves nothing behind, and the next attempt starts clean.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The repository root, found from this file in either `libs/` or `dist/libs/`. */
export function repoRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const parts = here.split(path.sep);
  const libsAt = parts.lastIndexOf('libs');
  const root = parts.slice(0, libsAt).join(path.sep) || path.sep;
  return path.basename(root) === 'dist' ? path.dirname(root) : root;
}

export const MIGRATIONS_DIR = path.join(repoRoot(), 'prisma', 'migrations');

/** The key `prisma migrate` takes with pg_advisory_lock. */
const PRISMA_MIGRATE_LOCK = 72707369;

const BOOKS = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** Migration folders (those with a migration.sql), in the order Prisma applies them. */
export function migrationsOnDisk(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

type Recorded = { migration_name: string; checksum: string; finished: boolean; rolled_back: boolean };

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** What is to be applied, in order; throws when the books show a state no migration should run on. */
export function pendingOf(onDisk: readonly MigrationFile[], recorded: readonly Recorded[]): MigrationFile[] {
  const failed = recorded.find((row) => !row.finished && !row.rolled_back);
  if (failed !== undefined) {
    throw new MigrationError(
      `migration ${failed.migration_name} failed earlier and was left half applied; ` +
        `repair the database, then mark it with \`npx prisma migrate resolve\``,
    );
  }
  const applied = new Map(
    recorded.filter((row) => row.finished && !row.rolled_back).map((row) => [row.migration_name, row]),
  );
  for (const file of onDisk) {
    const row = applied.get(file.name);
    if (row !== undefined && row.checksum !== file.checksum) {
      throw new MigrationError(
        `migration ${file.name} was changed after it was applied; add a new migration instead of editing it`,
      );
    }
  }
  return onDisk.filter((file) => !applied.has(file.name));
}

async function readBooks(client: pg.Client): Promise<Recorded[]> {
  const rows = await client.query<Recorded>(
    `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished,
            rolled_back_at IS NOT NULL AS rolled_back
     FROM "_prisma_migrations" ORDER BY started_at`,
  );
  return rows.rows;
}

async function apply(client: pg.Client, file: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(file.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
      [crypto.randomUUID(), file.checksum, file.name],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`migration ${file.name} failed, nothing of it was applied: ${reason}`);
  }
}

/** Applies what is pending; resolves to the names applied (empty when the database was up to date). */
export async function migrateDatabase(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const onDisk = migrationsOnDisk(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Quiet: NOTICEs such as "relation already exists, skipping" are not news.
    await client.query("SET client_min_messages = 'warning'");
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    await client.query(BOOKS);
    const pending = pendingOf(onDisk, await readBooks(client));
    for (const file of pending) await apply(client, file);
    return pending.map((file) => file.name);
  } finally {
    // Ending the session releases the advisory lock too.
    await client.end();
  }
}
