// Child processes that never outlive the Node process that started them, even
// when it dies by SIGKILL (a crashed Jest worker, a killed `npm start`).
//
// On Linux the child runs under `setpriv --pdeathsig KILL` (util-linux): the
// kernel sends it SIGKILL when its parent thread ends. setpriv sets that after
// changing user (a uid change clears it), so it also covers Postgres run as the
// `postgres` user. Postgres's own children exit when the postmaster dies.
// Without setpriv (macOS, a minimal image), or from a worker thread (the death
// signal follows the thread, not the process), a small shell watchdog polls
// the parent's pid and kills the child once the parent is gone.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { isMainThread } from 'node:worker_threads';

export interface RunAs {
  uid: number;
  gid: number;
}

export interface TetheredOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdio?: StdioOptions;
  /** Run as this user instead (root only). */
  runAs?: RunAs;
}

let setprivFound: boolean | undefined;

function hasSetpriv(): boolean {
  if (process.platform !== 'linux') return false;
  setprivFound ??=
    spawnSync('setpriv', ['--help'], { encoding: 'utf8' }).stdout?.includes('--pdeathsig') === true;
  return setprivFound;
}

/** How a tethered child is kept from outliving this process, for messages and tests. */
export function tetherKind(): 'pdeathsig' | 'watchdog' {
  return hasSetpriv() && isMainThread ? 'pdeathsig' : 'watchdog';
}

const WATCHDOG = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -KILL "$2" 2>/dev/null';

/** Kills `child` once this process is gone; ends by itself when the child exits first. */
function watch(child: ChildProcess): void {
  if (child.pid === undefined) return;
  const watchdog = spawn(
    '/bin/sh',
    ['-c', WATCHDOG, 'hrm-watchdog', String(process.pid), String(child.pid)],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  watchdog.on('error', () => undefined);
  watchdog.unref();
  child.once('exit', () => watchdog.kill('SIGKILL'));
}

/**
 * `spawn`, with the child tied to this process's life. The caller must still
 * handle the child's `error` event (a binary that cannot be run); with setpriv
 * that shows as exit code 126/127 and a `setpriv: failed to execute` line instead.
 */
export function spawnTethered(
  command: string,
  args: readonly string[],
  options: TetheredOptions = {},
): ChildProcess {
  const { runAs, ...spawnOptions } = options;
  if (tetherKind() === 'pdeathsig') {
    const user =
      runAs === undefined ? [] : [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups'];
    return spawn('setpriv', ['--pdeathsig=KILL', ...user, '--', command, ...args], spawnOptions);
  }
  const child = spawn(command, args, { ...spawnOptions, ...runAs });
  // An `error` listener of the caller's comes first; this one only keeps the watchdog out of it.
  child.once('spawn', () => watch(child));
  return child;
}

/** Resolves once `child` has exited (at once when it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // A child that never ran emits `error` and `close`, but no `exit`.
    child.once('close', () => resolve());
  });
}

/** Signals `child`, then SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  const gone = exited(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}
