import { afterAll, describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import path from 'node:path';
import pg from 'pg';
import { LocalPostgres, NatsServer } from './index.js';
import { temporaryDirectory } from '#testing';

describe('local infrastructure', () => {
  const dir = temporaryDirectory('hrm-localstack');
  const started: Array<{ stop(): Promise<void> }> = [];
  afterAll(async () => {
    for (const service of started) await service.stop();
  });

  it('keeps Postgres data across a crash and a restart', async () => {
    const postgres = await LocalPostgres.start({ dataDir: path.join(dir, 'pg'), database: 'hrm' });
    started.push(postgres);
    const query = async (sql: string) => {
      const client = new pg.Client({ connectionString: postgres.url('hrm') });
      await client.connect();
      try {
        return await client.query<{ n: number }>(sql);
      } finally {
        await client.end();
      }
    };
    await query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    await postgres.kill();
    await postgres.restart();
    const rows = await query('SELECT n FROM kept');
    expect(rows.rows).toEqual([{ n: 7 }]);
  });

  it('runs nats-server with JetStream and restarts it on the same port', async () => {
    const nats = await NatsServer.start({ dataDir: path.join(dir, 'nats') });
    started.push(nats);
    await nats.restart(true);
    const connection = await connect({ servers: nats.url });
    const info = await connection.request('$JS.API.INFO', '', { timeout: 2000 });
    expect(info.json<{ type: string }>().type).toBe('io.nats.jetstream.api.v1.account_info_response');
    await connection.close();
  });
});
