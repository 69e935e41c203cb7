import crypto from 'node:crypto';
import pg from 'pg';
import { TEMPLATE_DATABASE, withDatabase } from './environment.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through Jest's global setup (npm test)`);
  return value;
}

export function testNatsUrl(): string {
  return required('HRM_TEST_NATS_URL');
}

/** A fresh, migrated database of its own for one test file (a copy of the template). */
export async function createTestDatabase(label = 'db'): Promise<string> {
  const adminUrl = required('HRM_TEST_DATABASE_URL');
  const name = `hrm_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${TEMPLATE_DATABASE}`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, name);
}
