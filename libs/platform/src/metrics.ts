// A small Prometheus text-format registry: counters and gauges with labels.
type Labels = Record<string, string>;

interface Metric {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, { labels: Labels; value: number }>;
}

const labelKey = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());
const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class Metrics {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string): (labels?: Labels, by?: number) => void {
    const metric = this.register(name, help, 'counter');
    return (labels = {}, by = 1) => {
      const key = labelKey(labels);
      const current = metric.values.get(key);
      metric.values.set(key, { labels, value: (current?.value ?? 0) + by });
    };
  }

  gauge(name: string, help: string): (value: number, labels?: Labels) => void {
    const metric = this.register(name, help, 'gauge');
    return (value, labels = {}) => metric.values.set(labelKey(labels), { labels, value });
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, metric] of this.metrics) {
      lines.push(`# HELP ${name} ${metric.help}`, `# TYPE ${name} ${metric.type}`);
      for (const { labels, value } of metric.values.values()) {
        const rendered = Object.entries(labels)
          .map(([key, label]) => `${key}="${escape(label)}"`)
          .join(',');
        lines.push(`${name}${rendered ? `{${rendered}}` : ''} ${value}`);
      }
    }
    return lines.join('\n') + '\n';
  }

  private register(name: string, help: string, type: Metric['type']): Metric {
    const existing = this.metrics.get(name);
    if (existing) return existing;
    const metric: Metric = { help, type, values: new Map() };
    this.metrics.set(name, metric);
    return metric;
  }
}
