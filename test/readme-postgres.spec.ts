// The README says where `npm start`'s embedded Postgres keeps its password (the
// banner shows `postgres:****`): its psql line, run against a fresh stack's data
// directory, reaches that Postgres.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { z } from 'zod';
import { Infra } from '../scripts/stack/infra.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe("the README's way to the embedded Postgres", () => {
  let dataDir: string;
  let infra: Infra;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-readme-postgres-'));
    // As root, Postgres runs as its own user, which must reach the data (mkdtemp makes it 0700).
    fs.chmodSync(dataDir, 0o755);
    // NATS is the test run's own: only Postgres is started, as npm start starts it.
    infra = new Infra({
      dataDir,
      natsUrl: process.env.HRM_TEST_NATS_URL ?? 'nats://127.0.0.1:4222',
      databaseUrl: undefined,
      servicePorts: [],
    });
    await infra.start();
  }, 60_000);

  afterAll(async () => {
    await infra?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the password file and the port file, and its psql URL is the one the services get', async () => {
    const command = /psql "(postgresql:\/\/[^"]+)"/.exec(readme)?.[1];
    expect(command).toBeDefined();
    const passwordFile = /\$\(cat \.data\/([^)]+)\)/.exec(command ?? '')?.[1];
    expect(passwordFile).toBe('postgres/password');
    const password = fs.readFileSync(path.join(dataDir, passwordFile ?? ''), 'utf8').trim();
    expect(fs.statSync(path.join(dataDir, passwordFile ?? '')).mode & 0o077).toBe(0);
    expect(readme).toMatch(/port in\s+`\.data\/ports\.json`/);
    const ports = z
      .object({ postgres: z.number() })
      .parse(JSON.parse(fs.readFileSync(path.join(dataDir, 'ports.json'), 'utf8')));

    const url = (command ?? '')
      .replace(/\$\(cat [^)]+\)/, password)
      .replace(/:15432\//, `:${ports.postgres}/`);
    expect(url).toBe(infra.databaseUrl);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const result = await client.query('SELECT current_user, current_database()');
      expect(result.rows).toEqual([{ current_user: 'postgres', current_database: 'hrm' }]);
    } finally {
      await client.end();
    }
  });
});
