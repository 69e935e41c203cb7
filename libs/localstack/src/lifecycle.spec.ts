// Where our Postgres can run, and that NATS and Postgres never outlive the
// Node process that started them.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { LocalPostgres, binariesIn, installedBinaries, repoRoot } from './index.js';
import { temporaryDirectory } from '#testing';

const dir = temporaryDirectory('hrm-lifecycle');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const asRoot = process.getuid?.() === 0;

async function rows(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Whether a process with this id still runs (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== undefined && state !== 'Z';
  } catch {
    return false;
  }
}

async function goneWithin(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && pids.some(alive)) await new Promise((resolve) => setTimeout(resolve, 100));
  return pids.filter(alive);
}

(asRoot ? describe : describe.skip)(
  'Postgres as root, from a directory the postgres user cannot reach',
  () => {
    it('places binaries and cluster where it can, links the cluster from the data directory, and keeps the data', async () => {
      // Like a checkout under /root: mode 0700, binaries and data inside.
      const home = path.join(dir, 'root-home');
      fs.mkdirSync(home, { mode: 0o700 });
      fs.symlinkSync(installedBinaries().home, path.join(home, 'native'));
      const version = `test-${path.basename(dir)}`;
      const options = {
        dataDir: path.join(home, 'checkout', '.data', 'postgres'),
        runtimeDir: path.join(dir, 'var-lib-hrm'),
        binaries: binariesIn(path.join(home, 'native'), version),
        database: 'hrm',
      };
      const first = await LocalPostgres.start(options);
      try {
        await rows(first.url('hrm'), 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
      } finally {
        await first.stop();
      }
      const link = path.join(options.dataDir, 'cluster');
      expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
      expect(fs.readlinkSync(link).startsWith(path.join(options.runtimeDir, 'clusters'))).toBe(true);
      expect(fs.existsSync(path.join(options.runtimeDir, `postgres-${version}`, 'bin', 'postgres'))).toBe(
        true,
      );

      const second = await LocalPostgres.start(options);
      try {
        expect(second.clusterLink).toBe(link);
        expect(await rows(second.url('hrm'), 'SELECT n FROM kept')).toEqual([{ n: 7 }]);
      } finally {
        await second.stop();
      }
    });
  },
);

/** A Node process that starts nats-server and Postgres (from a worker thread with `thread`) and prints their pids. */
function parentScript(thread: boolean): string {
  const index = path.join(repoRoot(), 'dist', 'libs', 'localstack', 'src', 'index.js');
  const start = `
    const { LocalPostgres, NatsServer } = await import(${JSON.stringify(index)});
    const dataDir = process.env.HRM_TETHER_DIR;
    const nats = await NatsServer.start({ dataDir: dataDir + '/nats' });
    const postgres = await LocalPostgres.start({ dataDir: dataDir + '/pg' });
    return [nats.pid, postgres.pid];`;
  return thread
    ? `import { Worker } from 'node:worker_threads';
       const worker = new Worker(${JSON.stringify(`(async () => {${start}})().then(async (pids) => (await import('node:worker_threads')).parentPort.postMessage(pids))`)}, { eval: true });
       worker.once('message', (pids) => console.log(JSON.stringify(pids)));
       setInterval(() => undefined, 1000);`
    : `const pids = await (async () => {${start}})();
       console.log(JSON.stringify(pids));
       setInterval(() => undefined, 1000);`;
}

describe('children of a process that dies', () => {
  it.each([
    ['the main thread', false],
    ['a worker thread', true],
  ])('nats-server and Postgres started from %s exit when their parent is SIGKILLed', async (_, thread) => {
    const dataDir = temporaryDirectory('hrm-tether');
    const parent = spawn(process.execPath, ['--input-type=module', '-e', parentScript(thread)], {
      env: { ...process.env, HRM_TETHER_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const pids = await new Promise<number[]>((resolve, reject) => {
        let output = '';
        parent.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          const line = output.split('\n').find((candidate) => candidate.startsWith('['));
          if (line !== undefined) resolve(z.array(z.number().int()).parse(JSON.parse(line)));
        });
        parent.once('exit', (code) => reject(new Error(`the parent exited early with code ${code}`)));
      });
      expect(pids).toHaveLength(2);
      expect(pids.every(alive)).toBe(true);
      parent.kill('SIGKILL');
      expect(await goneWithin(pids, 4000)).toEqual([]);
    } finally {
      parent.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
