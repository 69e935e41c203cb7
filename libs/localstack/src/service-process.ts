// One of our services as a child process: started from the build, healthy
// once GET /healthz answers 200, stopped with SIGTERM or killed with SIGKILL.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './migrate.js';
import { waitUntil } from './ports.js';
import { spawnTethered, stopChild } from './tether.js';

export type AppName = 'api' | 'realtime' | 'ingest' | 'spotify-worker';

export interface ServiceProcessOptions {
  app: AppName;
  port: number;
  env: Record<string, string>;
  /** Each output line, e.g. to prefix it; dropped when absent. */
  onLine?: (line: string) => void;
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** Extra flags for node before the entry point, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

export class ServiceProcess {
  private child: ChildProcess | null = null;
  private readonly output: string[] = [];

  constructor(readonly options: ServiceProcessOptions) {}

  get running(): boolean {
    return this.child !== null;
  }

  /** The running process's id (for resource figures from /proc), undefined when stopped. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines the service printed (for a failing test's message). */
  recentOutput(lines = 40): string {
    return this.output.slice(-lines).join('\n');
  }

  async start(timeoutMs = 30_000): Promise<void> {
    if (this.child) return;
    const entry = path.join(repoRoot(), 'dist', 'apps', this.options.app, 'src', 'main.js');
    const child = spawnTethered(
      process.execPath,
      ['--enable-source-maps', ...(this.options.nodeArgs ?? []), entry],
      {
        cwd: repoRoot(),
        env: { ...process.env, ...this.options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.output.push(line);
        if (this.output.length > 500) this.output.shift();
        this.options.onLine?.(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended) return;
      ended = true;
      if (this.child === child) this.child = null;
      this.options.onExit?.(code, signal);
    };
    child.once('exit', end);
    // A process that could not be started emits `error` and `close`, never `exit`.
    child.once('error', (error) => this.output.push(`cannot run ${process.execPath}: ${error.message}`));
    child.once('close', end);
    try {
      await waitUntil(
        async () => {
          if (this.child !== child) throw new Error(`${this.options.app} exited:\n${this.recentOutput()}`);
          return healthy(this.options.port);
        },
        `${this.options.app} on port ${this.options.port} to report healthy`,
        timeoutMs,
        100,
      );
    } catch (error) {
      await this.stop(true);
      throw error;
    }
  }

  async stop(kill = false): Promise<void> {
    const child = this.child;
    if (!child) return;
    await stopChild(child, kill ? 'SIGKILL' : 'SIGTERM', 10_000);
  }
}

async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    return response.ok;
  } catch {
    return false;
  }
}
