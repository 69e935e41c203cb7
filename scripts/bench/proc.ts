// CPU time and memory of the bench's processes, read from Linux's /proc: the
// parsing is pure (tested), the reading is a thin shell around it. Postgres is
// a postmaster and its children (backends, WAL writer, checkpointer...), so it
// is measured as a group: live children read directly, exited ones through the
// postmaster's cutime/cstime (children it has waited for).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export interface ProcStat {
  pid: number;
  ppid: number;
  /** Clock ticks in user and kernel mode. */
  utime: number;
  stime: number;
  /** Clock ticks of children that were waited for. */
  cutime: number;
  cstime: number;
}

export interface ProcMemory {
  /** Peak resident set (VmHWM), kB. */
  hwmKb: number;
  rssKb: number;
  anonKb: number;
  fileKb: number;
  shmemKb: number;
}

/** Parses /proc/<pid>/stat; null when it is not one. The command name may hold spaces and parentheses. */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  // Fields from the 3rd (state) on: field n is rest[n - 3].
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const stat = {
    pid,
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
  };
  return Object.values(stat).every(Number.isInteger) ? stat : null;
}

/** Parses the memory lines of /proc/<pid>/status (kB); a line missing (kernel thread) counts 0. */
export function parseStatus(text: string): ProcMemory {
  const kb = (key: string) => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return match === null ? 0 : Number(match[1]);
  };
  return {
    hwmKb: kb('VmHWM'),
    rssKb: kb('VmRSS'),
    anonKb: kb('RssAnon'),
    fileKb: kb('RssFile'),
    shmemKb: kb('RssShmem'),
  };
}

/**
 * Resident memory of a group of processes that share memory (Postgres's
 * shared buffers): private pages add up, the shared segment counts once.
 */
export function groupRssKb(members: readonly ProcMemory[]): number {
  let own = 0;
  let shared = 0;
  for (const member of members) {
    own += member.anonKb + member.fileKb;
    shared = Math.max(shared, member.shmemKb);
  }
  return own + shared;
}

/** CPU ticks of a group: every live member's own, plus the root's waited-for children. */
export function groupTicks(root: ProcStat, children: readonly ProcStat[]): number {
  return (
    root.utime +
    root.stime +
    root.cutime +
    root.cstime +
    children.reduce((sum, c) => sum + c.utime + c.stime, 0)
  );
}

let ticksPerSecond: number | null = null;

/** The kernel's clock ticks per second (USER_HZ), 100 where getconf is missing. */
export function clockTicks(): number {
  if (ticksPerSecond === null) {
    const answer = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
    ticksPerSecond = Number.isInteger(answer) && answer > 0 ? answer : 100;
  }
  return ticksPerSecond;
}

function read(path: string): string | null {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return null; // the process has gone
  }
}

const statOf = (pid: number) => {
  const text = read(`/proc/${pid}/stat`);
  return text === null ? null : parseStat(text);
};
const memoryOf = (pid: number) => {
  const text = read(`/proc/${pid}/status`);
  return text === null ? null : parseStatus(text);
};

function childrenOf(pid: number): ProcStat[] {
  const children: ProcStat[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat !== null && stat.ppid === pid) children.push(stat);
  }
  return children;
}

export interface Usage {
  cpuS: number;
  /** Resident memory now, kB (a group's shared memory counted once). */
  rssKb: number;
  /** The kernel's peak (VmHWM) for one process; for a group, the caller keeps the peak of rssKb. */
  hwmKb: number;
}

/** What one process (or, with `group`, it and its children) has used so far; null when it is gone. */
export function usageOf(pid: number, group = false): Usage | null {
  const root = statOf(pid);
  const memory = memoryOf(pid);
  if (root === null || memory === null) return null;
  if (!group) {
    return { cpuS: (root.utime + root.stime) / clockTicks(), rssKb: memory.rssKb, hwmKb: memory.hwmKb };
  }
  const children = childrenOf(pid);
  const memories = [memory, ...children.map((child) => memoryOf(child.pid) ?? parseStatus(''))];
  const rssKb = groupRssKb(memories);
  return { cpuS: groupTicks(root, children) / clockTicks(), rssKb, hwmKb: rssKb };
}
