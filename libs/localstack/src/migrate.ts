// Migrations, kept quick. `prisma migrate deploy` finishes its work in 2-3 s
// but then stays alive about 10 s more (a timer of its WebAssembly engine that
// nothing cancels). So: when every migration is already applied the CLI is
// not run at all; otherwise it runs, and is ended as soon as it reports success.
import { spawn } from 'node:child_process';
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

const DONE = /All migrations have been successfully applied|No pending migrations to apply/;

/** Migration folders (those with a migration.sql), in the order Prisma applies them. */
export function migrationsOnDisk(dir = path.join(repoRoot(), 'prisma', 'migrations')): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}

export const pendingOf = (onDisk: readonly string[], applied: readonly string[]): string[] =>
  onDisk.filter((name) => !applied.includes(name));

/** Names Prisma recorded as applied (finished, not rolled back); none on a fresh database. */
async function appliedMigrations(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const table = await client.query<{ found: string | null }>(
      "SELECT to_regclass('_prisma_migrations')::text AS found",
    );
    if ((table.rows[0]?.found ?? null) === null) return [];
    const rows = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    return rows.rows.map((row) => row.migration_name);
  } finally {
    await client.end();
  }
}

/** `prisma migrate deploy`, resolved as soon as it reports success (then ended), or on its exit. */
function migrateDeploy(databaseUrl: string): Promise<void> {
  const root = repoRoot();
  const cli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let succeeded = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!succeeded && DONE.test(output)) {
        succeeded = true;
        resolve();
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (succeeded) return;
      if (code === 0) resolve();
      else reject(new Error(`prisma migrate deploy failed (${code}):\n${output.trim()}`));
    });
  });
}

/** Applies what is pending; resolves to the names applied (empty when the database was up to date). */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  // When the check itself fails, the CLI runs and reports the problem in its own words.
  const applied = await appliedMigrations(databaseUrl).catch(() => []);
  const pending = pendingOf(migrationsOnDisk(), applied);
  if (pending.length > 0) await migrateDeploy(databaseUrl);
  return pending;
}
