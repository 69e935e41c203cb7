// A nats-server child process with JetStream, data on disk, its own port.
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tlsConfig, type TlsFiles } from '#nats-auth';
import { freePort, isListening, waitUntil } from './ports.js';
import { spawnTethered, stopChild } from './tether.js';

export const NATS_SERVER_MISSING =
  'nats-server was not found on PATH: install it (Debian/Ubuntu: `sudo apt-get install nats-server`, ' +
  'macOS: `brew install nats-server`, or a release from https://github.com/nats-io/nats-server/releases) ' +
  'or set NATS_URL to a running server with JetStream.';

/**
 * The nats-server to run: the one on PATH, else Debian's /usr/sbin one (not on
 * a normal user's PATH there), else null.
 */
export function natsServerBinary(): string | null {
  for (const candidate of ['nats-server', '/usr/sbin/nats-server', '/usr/local/sbin/nats-server']) {
    const found = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (found.status === 0) return candidate;
  }
  return null;
}

export interface NatsServerOptions {
  dataDir: string;
  port?: number;
  onLog?: (line: string) => void;
  /** The auth part of the configuration (`prepareNatsAuth`'s `serverConfig`); anonymous clients without it. */
  auth?: string;
  /** Serves the client port over TLS. */
  tls?: TlsFiles;
  /** More configuration lines (e.g. a `server_name` and a `cluster` block). */
  config?: string;
}

export class NatsServer {
  private child: ChildProcess | null = null;
  private constructor(
    private readonly binary: string,
    readonly port: number,
    private readonly options: NatsServerOptions,
  ) {}

  static async start(options: NatsServerOptions): Promise<NatsServer> {
    const binary = natsServerBinary();
    if (binary === null) throw new Error(NATS_SERVER_MISSING);
    const server = new NatsServer(binary, options.port ?? (await freePort()), options);
    await server.start();
    return server;
  }

  get url(): string {
    return `${this.options.tls ? 'tls' : 'nats'}://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.child !== null) return;
    fs.mkdirSync(this.options.dataDir, { recursive: true });
    const config = [
      this.options.auth,
      this.options.tls && tlsConfig(this.options.tls),
      this.options.config,
    ].filter(Boolean);
    const configFile = path.join(this.options.dataDir, 'server.conf');
    if (config.length > 0) fs.writeFileSync(configFile, config.join('\n') + '\n', { mode: 0o600 });
    // Tethered: a test run or `npm start` that dies never leaves a nats-server behind.
    const child = spawnTethered(
      this.binary,
      [
        ...(config.length > 0 ? ['-c', configFile] : []),
        ...['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.options.dataDir],
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const log = this.options.onLog;
    const forward = (chunk: Buffer) => {
      if (log) for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') log(line);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    let spawnError: Error | null = null;
    child.once('error', (error) => (spawnError = error));
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    this.child = child;
    try {
      await waitUntil(async () => {
        if (spawnError !== null) throw new Error(`cannot run ${this.binary}: ${spawnError.message}`);
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`nats-server exited (${child.signalCode ?? `code ${child.exitCode}`})`);
        }
        return isListening(this.port);
      }, `nats-server on port ${this.port}`);
    } catch (error) {
      await stopChild(child, 'SIGKILL', 0);
      this.child = null;
      throw error;
    }
  }

  /** Graceful stop (SIGTERM), or a crash (SIGKILL) when `kill` is set. */
  async stop(kill = false): Promise<void> {
    const child = this.child;
    if (child === null) return;
    // SIGKILL after 10 s: a stop always ends.
    await stopChild(child, kill ? 'SIGKILL' : 'SIGTERM', 10_000);
    this.child = null;
  }

  async restart(kill = false): Promise<void> {
    await this.stop(kill);
    await this.start();
  }
}
