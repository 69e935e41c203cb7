// Names the hot functions of a V8 CPU profile (`node --cpu-prof`): self time
// per function and per package, so a report can say what holds a service back.
import { z } from 'zod';

const cpuProfile = z.object({
  nodes: z.array(
    z.object({
      id: z.int(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.int() }),
    }),
  ),
  samples: z.array(z.int()),
  timeDeltas: z.array(z.number()),
});
export type CpuProfile = z.infer<typeof cpuProfile>;

export interface HotSpot {
  name: string;
  selfMs: number;
  /** Of all sampled time, idle included. */
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  functions: HotSpot[];
  packages: HotSpot[];
}

/** Where a frame's code lives: an npm package, our build's file, or V8/Node itself. */
export function packageOf(url: string): string {
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules !== null) return modules[1] ?? url;
  const ours = /\/dist\/(.+)$/.exec(url);
  if (ours !== null) return ours[1] ?? url;
  if (url.startsWith('node:')) return 'node internals';
  return url === '' ? '(native / garbage collector)' : url;
}

function top(times: Map<string, number>, totalMs: number, count: number): HotSpot[] {
  return [...times.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({
      name,
      selfMs: Math.round(ms),
      percent: Math.round((ms / totalMs) * 1000) / 10,
    }));
}

export function summarizeProfile(json: unknown, count = 12): ProfileSummary {
  const profile = cpuProfile.parse(json);
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    totalMs += ms;
    const frame = byId.get(id);
    if (frame === undefined) return;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') {
      idleMs += frame.functionName === '(idle)' ? ms : 0;
      if (frame.functionName === '(idle)') return;
    }
    const file = frame.url.split('/').slice(-1)[0] ?? '';
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const pkg = packageOf(frame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
  });
  return {
    totalMs: Math.round(totalMs),
    idleMs: Math.round(idleMs),
    functions: top(functions, totalMs, count),
    packages: top(packages, totalMs, count),
  };
}
