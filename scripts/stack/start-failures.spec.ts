// `npm start` (the built dist/scripts/start.js) when its infrastructure fails
// or hangs: it ends with one line and a non-zero code, or on a second Ctrl-C,
// and leaves no process behind. A fake nats-server on PATH plays the culprit.
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { freePort, repoRoot } from '#localstack';
import { temporaryDirectory } from '#testing';

const FAILING_NATS = `#!/bin/sh
if [ "$1" = "--version" ]; then echo "nats-server: v2.9.10"; exit 0; fi
echo "[1] 2026/12/04 10:00:00.000000 [FTL] Error listening on port: address already in use" >&2
exit 1
`;

/** Answers --version, then never listens: a start that hangs. */
const HANGING_NATS = `#!/bin/sh
if [ "$1" = "--version" ]; then echo "nats-server: v2.9.10"; exit 0; fi
while :; do sleep 1; done
`;

type Started = ChildProcessByStdio<null, Readable, Readable> & { output: { stdout: string; stderr: string } };

let dir = '';
afterEach(async () => {
  for (const pid of processesUnder(dir)) process.kill(pid, 'SIGKILL');
  // A killed process is gone a moment later: until then it may still write into the data directory.
  await until(() => processesUnder(dir).length === 0, 5000);
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

/**
 * Processes whose command line names `root` (our Postgres, the fake nats-server) or that work
 * inside it: Postgres's own children (checkpointer, startup, backends) are titled
 * "postgres: checkpointer" and name no path, but run in the data directory.
 */
function processesUnder(root: string): number[] {
  if (root === '') return [];
  return fs.readdirSync('/proc').flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) return [];
    try {
      const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state === 'Z') return [];
      const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return commandLine.includes(root) || workingDirectory(pid).startsWith(root) ? [pid] : [];
    } catch {
      return [];
    }
  });
}

function workingDirectory(pid: number): string {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

async function startStack(natsScript: string, extraEnv: Record<string, string> = {}): Promise<Started> {
  dir = temporaryDirectory('hrm-start');
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'nats-server'), natsScript, { mode: 0o755 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HRM_DATA_DIR: path.join(dir, 'data'),
    API_PORT: String(await freePort()),
    REALTIME_PORT: String(await freePort()),
    INGEST_PORT: String(await freePort()),
    SPOTIFY_WORKER_PORT: String(await freePort()),
    ...extraEnv,
  };
  // Not run by npm here: the launcher's "npm went away" check does not apply.
  delete env.npm_lifecycle_event;
  const child = spawn(process.execPath, [path.join(repoRoot(), 'dist', 'scripts', 'start.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString('utf8')));
  return Object.assign(child, { output });
}

/** The exit code, or null when the process is still running after `ms`. */
function exitWithin(child: Started, ms: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal === null ? -1 : 128));
    });
  });
}

describe('npm start when its infrastructure fails', () => {
  it('ends with one line that says what failed, a non-zero code, and nothing left running', async () => {
    const stack = await startStack(FAILING_NATS);
    const code = await exitWithin(stack, 30_000);
    const { stderr, stdout } = stack.output;
    expect({ code, stderr }).toEqual({
      code: 1,
      stderr: expect.stringMatching(/^npm start: nats-server failed/),
    });
    const lines = stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/address already in use \(log: .*nats-server\.log\)$/);
    expect(stdout).toContain('stopped; the data is kept');
    expect(await until(() => processesUnder(dir).length === 0, 2000)).toBe(true);
  });

  it('refuses HRM_NATS_SYNC_INTERVAL on a nats-server older than 2.10 with one line, before starting it', async () => {
    const stack = await startStack(FAILING_NATS, { HRM_NATS_SYNC_INTERVAL: 'always' });
    const code = await exitWithin(stack, 30_000);
    const lines = stack.output.stderr.split('\n').filter((line) => line.trim() !== '');
    expect({ code, lines }).toEqual({
      code: 1,
      lines: [
        expect.stringMatching(
          /^npm start: HRM_NATS_SYNC_INTERVAL needs nats-server 2\.10 or later and .*nats-server is 2\.9\.10: put a newer nats-server first on PATH .*, or unset HRM_NATS_SYNC_INTERVAL$/,
        ),
      ],
    });
    // It never ran the server: no log of it.
    expect(fs.existsSync(path.join(dir, 'data', 'logs', 'nats-server.log'))).toBe(false);
    expect(await until(() => processesUnder(dir).length === 0, 2000)).toBe(true);
  });

  it('ends the whole tree within 5 s of a second Ctrl-C while a start hangs', async () => {
    const stack = await startStack(HANGING_NATS);
    // Both are running: the fake nats-server, which never answers, and our Postgres.
    const postgresUp = () => processesUnder(path.join(dir, 'data', 'postgres')).length > 0;
    const natsUp = () => processesUnder(path.join(dir, 'bin')).length > 0;
    expect(await until(() => postgresUp() && natsUp(), 30_000)).toBe(true);
    stack.kill('SIGINT');
    expect(await exitWithin(stack, 1000)).toBeNull();
    stack.kill('SIGINT');
    const secondAt = Date.now();
    const code = await exitWithin(stack, 5000);
    expect(code).not.toBeNull();
    expect(code).not.toBe(0);
    expect(
      await until(() => processesUnder(dir).length === 0, Math.max(0, 5000 - (Date.now() - secondAt))),
    ).toBe(true);
  });
});
