// The errors Prisma (with @prisma/adapter-pg) really throws against a real
// Postgres, sorted into outages and refusals of the statement.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '#localstack';
import { createTestDatabase, sleep } from '#testing';
import { createDb, type Db } from './client.js';
import { describeDbError } from './errors.js';

async function thrown(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the statement to fail');
}

describe('describeDbError against a real Postgres', () => {
  let db: Db;
  let url: string;

  beforeAll(async () => {
    url = await createTestDatabase('db_errors');
    db = createDb(url, 2);
  }, 60_000);

  afterAll(async () => {
    await db?.$disconnect();
  });

  it.each([
    [
      'a timestamp Postgres cannot read (22009)',
      '22009',
      `SELECT '+010000-01-01T00:00:00.000Z'::timestamptz`,
    ],
    ['a division by zero (22012)', '22012', 'SELECT 1/0'],
    ['a missing table (42P01)', '42P01', 'SELECT * FROM no_such_table'],
    ['a syntax error (42601)', '42601', 'SELEKT 1'],
  ])('calls %s a refusal of the statement', async (_label, code, sql) => {
    const error = await thrown(() => db.$transaction((tx) => tx.$executeRawUnsafe(sql)));
    expect(describeDbError(error)).toEqual({ transient: false, code, message: expect.any(String) });
  });

  it('calls a duplicate key a refusal, with its message', async () => {
    await db.$executeRawUnsafe('CREATE TABLE once (id int PRIMARY KEY)');
    await db.$executeRawUnsafe('INSERT INTO once VALUES (1)');
    const error = await thrown(() => db.$executeRawUnsafe('INSERT INTO once VALUES (1)'));
    expect(describeDbError(error)).toEqual({
      transient: false,
      code: '23505',
      message: 'duplicate key value violates unique constraint "once_pkey"',
    });
  });

  it('calls a Date Prisma cannot send a refusal', async () => {
    const error = await thrown(() => db.$queryRaw`SELECT ${new Date(Date.UTC(10000, 0, 1))}::timestamptz`);
    expect(describeDbError(error).transient).toBe(false);
  });

  it('calls a server nobody listens on an outage, in a query, a model call and a transaction', async () => {
    const down = createDb(url.replace(/:\d+\//, `:${await freePort()}/`), 1);
    try {
      for (const run of [
        () => down.$queryRaw`SELECT 1`,
        () => down.apiToken.findUnique({ where: { tokenHash: 'x' } }),
        () => down.$transaction((tx) => tx.$queryRaw`SELECT 1`),
      ]) {
        expect(describeDbError(await thrown(run))).toMatchObject({ transient: true });
      }
    } finally {
      await down.$disconnect();
    }
  });

  it('calls a connection the server ends under a statement (57P01) an outage', async () => {
    const victim = createDb(url, 1);
    const [own] = await victim.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
    const sleeping = thrown(() => victim.$queryRaw`SELECT pg_sleep(5)`);
    await sleep(300);
    await db.$queryRaw`SELECT pg_terminate_backend(${own?.pid ?? 0}::int)`;
    expect(describeDbError(await sleeping)).toMatchObject({ transient: true, code: '57P01' });
    await victim.$disconnect();
  });

  it('calls an error that is no database error a refusal, and keeps its message', () => {
    expect(describeDbError(new TypeError('x is undefined'))).toEqual({
      transient: false,
      code: null,
      message: 'x is undefined',
    });
  });
});
