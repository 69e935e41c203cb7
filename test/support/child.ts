// A process a test starts and watches: its output kept line by line, a wait
// for a line that matches, and a stop that kills it if it does not end.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Child {
  readonly lines: string[] = [];
  readonly exited: Promise<Exit>;
  private readonly process: ChildProcess;
  private waiters: Array<() => void> = [];

  constructor(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.process = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.process.stdout, this.process.stderr]) {
      let rest = '';
      stream?.on('data', (chunk: Buffer) => {
        const parts = (rest + chunk.toString('utf8')).split('\n');
        rest = parts.pop() ?? '';
        this.lines.push(...parts);
        for (const wake of this.waiters.splice(0)) wake();
      });
    }
    this.exited = new Promise((resolve) => {
      this.process.once('error', (error) => {
        this.lines.push(`spawn failed: ${error.message}`);
        resolve({ code: null, signal: null });
      });
      this.process.once('exit', (code, signal) => {
        // Let the last output arrive before anyone reads it.
        setImmediate(() => {
          resolve({ code, signal });
          for (const wake of this.waiters.splice(0)) wake();
        });
      });
    });
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** The first line matching `pattern`; fails when the process exits or `timeoutMs` passes first. */
  async line(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const line of this.lines) {
        const match = pattern.exec(line);
        if (match) return match;
      }
      if (!this.running) throw new Error(`exited before printing ${pattern}; its output:\n${this.output()}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no line matched ${pattern} in ${timeoutMs} ms; its output:\n${this.output()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves to how it ended. */
  async stop(graceMs = 5000): Promise<Exit> {
    if (this.running) this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}
