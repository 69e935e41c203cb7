import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { temporaryDirectory, withDatabase } from '#testing';
import { MIGRATIONS_DIR, migrateDatabase, migrationsOnDisk, repoRoot } from './migrate.js';

const adminUrl = () => {
  const url = process.env.HRM_TEST_DATABASE_URL;
  if (!url) throw new Error('run through npm test');
  return url;
};

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An empty database of its own. */
async function emptyDatabase(): Promise<string> {
  const name = `hrm_migrate_${crypto.randomBytes(4).toString('hex')}`;
  await withClient(adminUrl(), (client) => client.query(`CREATE DATABASE ${name}`));
  return withDatabase(adminUrl(), name);
}

const tables = (url: string) =>
  withClient(url, async (client) => {
    const rows = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    );
    return rows.rows.map((row) => row.name);
  });

/** A migrations folder of our own: name -> SQL. */
function migrationsFolder(migrations: Record<string, string>): string {
  const dir = temporaryDirectory('hrm-migrations');
  for (const [name, sql] of Object.entries(migrations)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

describe('migrateDatabase', () => {
  let url: string;
  beforeAll(async () => {
    url = await emptyDatabase();
  });
  const folders: string[] = [];
  afterAll(() => folders.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it("applies the project's migrations once, and keeps Prisma's books so its CLI agrees", async () => {
    const names = migrationsOnDisk().map((file) => file.name);
    expect(await migrateDatabase(url)).toEqual(names);
    expect(await migrateDatabase(url)).toEqual([]);
    expect(await tables(url)).toEqual(
      expect.arrayContaining(['_prisma_migrations', 'sessions', 'hr_samples']),
    );

    const books = await withClient(url, (client) =>
      client.query<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1',
      ),
    );
    const sha = (name: string) =>
      crypto
        .createHash('sha256')
        .update(fs.readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql')))
        .digest('hex');
    expect(books.rows).toEqual(names.map((name) => ({ migration_name: name, checksum: sha(name) })));

    // The CLI reads the same books: nothing pending, nothing failed.
    const status = spawnSync(
      process.execPath,
      [path.join(repoRoot(), 'node_modules', 'prisma', 'build', 'index.js'), 'migrate', 'status'],
      {
        cwd: repoRoot(),
        env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: '1' },
        timeout: 30_000,
      },
    );
    expect(status.stdout.toString()).toContain('Database schema is up to date');
  });

  it('applies a failing migration not at all, keeps the ones before it, and names it', async () => {
    const dir = migrationsFolder({
      '1_table': 'CREATE TABLE kept (n int);',
      '2_broken': 'CREATE TABLE half (n int); INSERT INTO nowhere VALUES (1);',
      '3_after': 'CREATE TABLE never (n int);',
    });
    folders.push(dir);
    const fresh = await emptyDatabase();
    await expect(migrateDatabase(fresh, dir)).rejects.toThrow(
      /migration 2_broken failed, nothing of it was applied: relation "nowhere" does not exist/,
    );
    expect(await tables(fresh)).toEqual(['_prisma_migrations', 'kept']);

    fs.writeFileSync(path.join(dir, '2_broken', 'migration.sql'), 'CREATE TABLE half (n int);');
    expect(await migrateDatabase(fresh, dir)).toEqual(['2_broken', '3_after']);
    expect(await tables(fresh)).toEqual(['_prisma_migrations', 'half', 'kept', 'never']);
  });

  it('refuses to go on when an applied migration was edited, or one was left half applied', async () => {
    const dir = migrationsFolder({ '1_table': 'CREATE TABLE t (n int);' });
    folders.push(dir);
    const fresh = await emptyDatabase();
    await migrateDatabase(fresh, dir);
    fs.writeFileSync(path.join(dir, '1_table', 'migration.sql'), 'CREATE TABLE t (n bigint);');
    await expect(migrateDatabase(fresh, dir)).rejects.toThrow(/1_table was changed after it was applied/);

    // What the CLI leaves when a migration fails halfway: a row never finished.
    await withClient(fresh, (client) =>
      client.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('x', 'y', '2_half')`,
      ),
    );
    await expect(migrateDatabase(fresh, dir)).rejects.toThrow(/2_half failed earlier/);
  });

  it('applies each migration once when several runners start together', async () => {
    const fresh = await emptyDatabase();
    const runs = await Promise.all([migrateDatabase(fresh), migrateDatabase(fresh), migrateDatabase(fresh)]);
    expect(runs.flat().sort()).toEqual(migrationsOnDisk().map((file) => file.name));
  });
});
