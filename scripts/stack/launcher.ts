// Why `npm start` runs the stack in a second process: Ctrl-C in a terminal
// sends SIGINT to the whole foreground process group, which would hit every
// service, nats-server and Postgres at once. The supervisor runs detached (a
// process group of its own, with its children), and this launcher forwards
// the signals to it, so the stack stops in order: simulator, services in
// reverse, Postgres, then NATS.
import { spawn } from 'node:child_process';
import os from 'node:os';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Calls `onStop` on the first signal and `onForce` on a second one (a repeated Ctrl-C). */
export function onStopSignals(onStop: (signal: NodeJS.Signals) => void, onForce: () => void): void {
  let firstAt: number | null = null;
  const handle = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (firstAt === null) {
      firstAt = now;
      onStop(signal);
    } else if (now - firstAt > 500) {
      // Within 500 ms it is the same Ctrl-C arriving twice (from the terminal and from npm).
      onForce();
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handle);
}

/** SIGKILL to a process group; it may be gone already. */
function killGroup(leader: number): void {
  try {
    process.kill(-leader, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Runs `script args` detached with this process's output; resolves to its exit code. */
export function launchSupervisor(script: string, args: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  let firstAt: number | null = null;
  let lastResort: NodeJS.Timeout | null = null;
  const forward = (signal: NodeJS.Signals) => {
    clearInterval(orphaned);
    if (!running()) return;
    child.kill(signal);
    const now = Date.now();
    firstAt ??= now;
    // A second stop (not the same Ctrl-C arriving twice, see onStopSignals) ends the whole
    // tree within 5 s: the supervisor forces a stop and exits within 3 s; should it hang,
    // its process group (the supervisor, the services, nats-server, Postgres) is killed at 4 s.
    if (now - firstAt > 500 && lastResort === null) {
      lastResort = setTimeout(() => {
        if (running() && child.pid !== undefined) killGroup(child.pid);
      }, 4000);
      lastResort.unref();
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, forward);
  // Under `npm start`, a SIGTERM to npm ends npm and its shell but never reaches
  // this process: being orphaned (a new parent) then means "stop" too, unless a
  // signal already came (a Ctrl-C reaches npm and this process alike).
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.env.npm_lifecycle_event !== undefined && process.ppid !== parent) forward('SIGTERM');
  }, 500);
  orphaned.unref();
  return new Promise((resolve) => {
    child.once('error', (error) => {
      process.stderr.write(`npm start: could not start the stack: ${error.message}\n`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      if (lastResort !== null) clearTimeout(lastResort);
      resolve(code ?? 128 + (signal === null ? 0 : os.constants.signals[signal]));
    });
  });
}
