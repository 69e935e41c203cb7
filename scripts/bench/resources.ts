// CPU seconds and peak RSS of a bench's processes over a window, from /proc:
// every scenario reports them the same way.
import type { MeasuredProcess } from './bench-stack.js';
import { usageOf, type Usage } from './proc.js';

export interface ResourceFigure {
  name: string;
  cpuS: number;
  /** CPU seconds per wall second, in % of one core. */
  cpuPercent: number;
  peakRssMb: number;
}

/** CPU and memory of each measured process, kept between snapshots for the peaks. */
export class ResourceWatch {
  private readonly peakRssKb = new Map<string, number>();
  constructor(
    private readonly processes: () => MeasuredProcess[],
    /** What the bench's own process is doing in this scenario (it is measured too). */
    private readonly benchName = 'bench (gateways)',
  ) {}

  snapshot(): Map<string, Usage> {
    const usage = new Map<string, Usage>();
    const measured = [...this.processes(), { name: this.benchName, pid: process.pid, group: false }];
    for (const { name, pid, group } of measured) {
      const now = usageOf(pid, group);
      if (now === null) continue;
      usage.set(name, now);
      this.peakRssKb.set(name, Math.max(this.peakRssKb.get(name) ?? 0, now.hwmKb, now.rssKb));
    }
    return usage;
  }

  figures(before: Map<string, Usage>, after: Map<string, Usage>, wallMs: number): ResourceFigure[] {
    return [...after.entries()].map(([name, usage]) => {
      const cpuS = usage.cpuS - (before.get(name)?.cpuS ?? 0);
      return {
        name,
        cpuS: Math.round(cpuS * 10) / 10,
        cpuPercent: Math.round((cpuS / (wallMs / 1000)) * 100),
        peakRssMb: Math.round((this.peakRssKb.get(name) ?? 0) / 1024),
      };
    });
  }
}

/** Markdown rows of a resources table (process, CPU s, CPU %, peak RSS MB). */
export const resourceRows = (figures: readonly ResourceFigure[]) => [
  '| process | CPU s | CPU % of a core | peak RSS MB |',
  '| --- | --- | --- | --- |',
  ...figures.map((f) => `| ${f.name} | ${f.cpuS} | ${f.cpuPercent} | ${f.peakRssMb} |`),
];
