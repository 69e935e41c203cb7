// One of our services as a child process: started from the build, healthy
// once GET /healthz answers 200, stopped with SIGTERM or killed with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './migrate.js';
import { waitUntil } from './ports.js';

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
    const child = spawn(process.execPath, ['--enable-source-maps', ...(this.options.nodeArgs ?? []), entry], {
      cwd: repoRoot(),
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      this.options.onExit?.(code, signal);
    });
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
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(kill ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
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
