// A small Prometheus text-format registry: counters, gauges and histograms with
// labels, and collectors that read a value (memory, a projection's position)
// just before each scrape. Written by hand for now (a later issue moves to
// prom-client); it keeps prom-client's names and text format.
type Labels = Record<string, string>;

interface Sample {
  labels: Labels;
  value: number;
}

interface Series {
  labels: Labels;
  /** Observations at or below each bucket's upper bound (not cumulative yet). */
  counts: number[];
  sum: number;
  count: number;
}

type Metric =
  | { help: string; type: 'counter' | 'gauge'; values: Map<string, Sample> }
  | { help: string; type: 'histogram'; buckets: readonly number[]; series: Map<string, Series> };

/** A collector that has not answered in this long is skipped for this scrape. */
const COLLECT_TIMEOUT_MS = 1000;

/** Seconds; Prometheus's client defaults, good for HTTP requests and calls to another service. */
export const DEFAULT_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const labelKey = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());
const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const renderLabels = (labels: Labels) =>
  Object.entries(labels)
    .map(([key, label]) => `${key}="${escape(label)}"`)
    .join(',');
const braced = (labels: string) => (labels ? `{${labels}}` : '');

export class Metrics {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors: Array<() => Promise<void> | void> = [];

  counter(name: string, help: string): (labels?: Labels, by?: number) => void {
    const metric = this.register(name, () => ({ help, type: 'counter', values: new Map() }));
    return (labels = {}, by = 1) => {
      if (metric.type === 'histogram') return;
      const key = labelKey(labels);
      const current = metric.values.get(key);
      metric.values.set(key, { labels, value: (current?.value ?? 0) + by });
    };
  }

  gauge(name: string, help: string): (value: number, labels?: Labels) => void {
    const metric = this.register(name, () => ({ help, type: 'gauge', values: new Map() }));
    return (value, labels = {}) => {
      if (metric.type !== 'histogram') metric.values.set(labelKey(labels), { labels, value });
    };
  }

  /** Observations into cumulative buckets (`le`), with `_sum` and `_count`, as Prometheus expects. */
  histogram(
    name: string,
    help: string,
    buckets: readonly number[] = DEFAULT_DURATION_BUCKETS,
  ): (value: number, labels?: Labels) => void {
    const bounds = [...buckets].sort((a, b) => a - b);
    const metric = this.register(name, () => ({
      help,
      type: 'histogram',
      buckets: bounds,
      series: new Map(),
    }));
    return (value, labels = {}) => {
      if (metric.type !== 'histogram') return;
      const key = labelKey(labels);
      let series = metric.series.get(key);
      if (series === undefined) {
        series = { labels, counts: metric.buckets.map(() => 0), sum: 0, count: 0 };
        metric.series.set(key, series);
      }
      const bucket = metric.buckets.findIndex((bound) => value <= bound);
      if (bucket >= 0) series.counts[bucket] = (series.counts[bucket] ?? 0) + 1;
      series.sum += value;
      series.count += 1;
    };
  }

  /** Runs before each scrape (`scrape()`), to set gauges from what is true now. */
  collect(collector: () => Promise<void> | void): void {
    this.collectors.push(collector);
  }

  /**
   * The text a `/metrics` request answers: collectors first, each given at most a second
   * (one that fails or hangs, say on a log out of reach, leaves its gauges as they were).
   */
  async scrape(): Promise<string> {
    await Promise.all(
      this.collectors.map(async (collector) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, COLLECT_TIMEOUT_MS);
        });
        try {
          await Promise.race([Promise.resolve().then(collector), timeout]);
        } catch {
          // A gauge kept from the last scrape says less than an error would, but a scrape must answer.
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return this.render();
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, metric] of this.metrics) {
      lines.push(`# HELP ${name} ${metric.help}`, `# TYPE ${name} ${metric.type}`);
      if (metric.type !== 'histogram') {
        for (const { labels, value } of metric.values.values()) {
          lines.push(`${name}${braced(renderLabels(labels))} ${value}`);
        }
        continue;
      }
      for (const series of metric.series.values()) {
        const labels = renderLabels(series.labels);
        const withLe = (le: string) => braced(labels ? `${labels},le="${le}"` : `le="${le}"`);
        let cumulative = 0;
        metric.buckets.forEach((bound, index) => {
          cumulative += series.counts[index] ?? 0;
          lines.push(`${name}_bucket${withLe(String(bound))} ${cumulative}`);
        });
        lines.push(`${name}_bucket${withLe('+Inf')} ${series.count}`);
        lines.push(
          `${name}_sum${braced(labels)} ${series.sum}`,
          `${name}_count${braced(labels)} ${series.count}`,
        );
      }
    }
    return lines.join('\n') + '\n';
  }

  private register(name: string, create: () => Metric): Metric {
    const existing = this.metrics.get(name);
    if (existing) return existing;
    const metric = create();
    this.metrics.set(name, metric);
    return metric;
  }
}

const withProcessMetrics = new WeakSet<Metrics>();

/** What every service shows about its process: memory, CPU and how long it has run. */
export function registerProcessMetrics(metrics: Metrics): void {
  if (withProcessMetrics.has(metrics)) return;
  withProcessMetrics.add(metrics);
  const resident = metrics.gauge('hrm_process_resident_memory_bytes', 'Resident memory (RSS) of the process');
  const heap = metrics.gauge('hrm_process_heap_used_bytes', "V8's heap in use");
  const cpu = metrics.counter('hrm_process_cpu_seconds_total', 'CPU time the process used, user and system');
  const uptime = metrics.gauge('hrm_process_uptime_seconds', 'Seconds since the process started');
  const started = metrics.gauge('hrm_process_start_time_seconds', 'When the process started, Unix seconds');
  const startedAt = Date.now() / 1000 - process.uptime();
  let cpuCounted = 0;
  metrics.collect(() => {
    const memory = process.memoryUsage();
    resident(memory.rss);
    heap(memory.heapUsed);
    const usage = process.cpuUsage();
    const cpuSeconds = (usage.user + usage.system) / 1e6;
    cpu({}, cpuSeconds - cpuCounted);
    cpuCounted = cpuSeconds;
    uptime(process.uptime());
    started(Math.round(startedAt));
  });
}
