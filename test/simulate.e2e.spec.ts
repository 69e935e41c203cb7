// The simulator as a user runs it: the built script in a process of its own,
// its exit codes and lines, and what arrives in NATS.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { gatewaySubjects, sampleBatch } from '#contracts';
import { eventually, testNatsUrl } from '#testing';

const root = path.resolve(import.meta.dirname, '..');
const script = path.join(root, 'dist', 'scripts', 'simulate.js');

interface Simulator {
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; afterMs: number }>;
  signal(signal: NodeJS.Signals): void;
}

function simulate(args: string[], env: NodeJS.ProcessEnv = {}): Simulator {
  // A data directory of its own, so a stack the developer runs here is not picked up.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-sim-data-'));
  const startedAt = Date.now();
  const child = spawn(process.execPath, [script, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HRM_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (into: string[]) => (chunk: Buffer) =>
    into.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
  child.stdout.on('data', collect(stdout));
  child.stderr.on('data', collect(stderr));
  const exited = new Promise<{ code: number | null; afterMs: number }>((resolve) =>
    child.once('close', (code) => resolve({ code, afterMs: Date.now() - startedAt })),
  );
  return { stdout, stderr, exited, signal: (signal) => child.kill(signal) };
}

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('npm run simulate', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connect({ servers: testNatsUrl() });
  });
  afterAll(async () => {
    await nc.drain();
  });

  it('--help prints the usage and exits 0', async () => {
    const run = simulate(['--help']);
    expect((await run.exited).code).toBe(0);
    expect(run.stdout[0]).toMatch(/^usage: npm run simulate -- --studio S --gateway G/);
    expect(run.stdout.join('\n')).toContain('--devices IDS');
    expect(run.stderr).toEqual([]);
  });

  it('a bad option exits 2 with one line', async () => {
    const run = simulate(['--studio', 'st_1', '--gateway', 'gw-1', '--athletes', '2', '--bogus']);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr).toEqual([
      "simulate: Unknown option '--bogus' (npm run simulate -- --help lists the options)",
    ]);
    expect(run.stdout).toEqual([]);
  });

  it('an unreachable NATS exits 1 within seconds, with one line that says what to do', async () => {
    const port = await closedPort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-sim-stack-'));
    fs.writeFileSync(path.join(dataDir, 'ports.json'), JSON.stringify({ nats: port }));
    const run = simulate(['--studio', 'st_1', '--gateway', 'gw-1', '--athletes', '2'], {
      HRM_DATA_DIR: dataDir,
    });
    const { code, afterMs } = await run.exited;
    expect(code).toBe(1);
    expect(afterMs).toBeLessThan(5000);
    expect(run.stderr).toEqual([
      `simulate: cannot reach NATS at nats://127.0.0.1:${port} (the stack's, from ${path.join(dataDir, 'ports.json')}): connection refused. Is \`npm start\` running? Or give --nats URL.`,
    ]);
  });

  it('sends the chosen strap ids, says what it does, and on Ctrl-C says it stopped and exits 0', async () => {
    const studioId = 'st_simulate';
    const straps = ['ant:120:54321', 'ant:120:54322'];
    const received: string[][] = [];
    const subscription = nc.subscribe(gatewaySubjects.samples(studioId, 'gw-sim'), {
      callback: (error, message) => {
        if (error === null) received.push(sampleBatch.parse(message.json()).samples.map((s) => s.deviceId));
      },
    });
    await nc.flush();

    const run = simulate([
      ...['--studio', studioId, '--gateway', 'gw-sim', '--devices', straps.join(','), '--warmup', '10s'],
      ...['--tick-ms', '250', '--nats', testNatsUrl()],
    ]);
    await eventually(() => (received.length >= 3 ? true : undefined), 'three batches in NATS');
    expect(new Set(received.flat())).toEqual(new Set(straps));
    await eventually(
      () => run.stdout.find((line) => / straps heard .* samples\/s .* sent .* zones: /.test(line)),
      'a progress line',
      10_000,
    );
    expect(run.stdout[0]).toBe(
      `Simulated gateway gw-sim of studio ${studioId}, publishing to ${testNatsUrl()} (--nats)`,
    );
    expect(run.stdout[1]).toBe(`  2 straps: ${straps.join(', ')}`);

    run.signal('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(0);
    await nc.flush();
    subscription.unsubscribe();
    const sent = received.flat().length;
    expect(run.stdout.at(-1)).toMatch(
      new RegExp(`^Stopped \\(Ctrl-C\\) after \\d+s: ${sent} samples sent in ${received.length} batches\\.$`),
    );
    expect(run.stderr).toEqual([]);
  });
});
