// The hand-written registry speaks Prometheus text: histograms with cumulative
// buckets, and collectors that run before a scrape without ever stalling it.
import { describe, expect, it } from '@jest/globals';
import { Metrics, registerProcessMetrics } from './metrics.js';

describe('Metrics', () => {
  it('renders a histogram as cumulative buckets with +Inf, _sum and _count', () => {
    const metrics = new Metrics();
    const observe = metrics.histogram('hrm_test_seconds', 'A test', [0.1, 1]);
    for (const value of [0.05, 0.5, 0.7, 3]) observe(value, { route: '/x' });
    expect(metrics.render().split('\n')).toEqual(
      expect.arrayContaining([
        '# TYPE hrm_test_seconds histogram',
        'hrm_test_seconds_bucket{route="/x",le="0.1"} 1',
        'hrm_test_seconds_bucket{route="/x",le="1"} 3',
        'hrm_test_seconds_bucket{route="/x",le="+Inf"} 4',
        'hrm_test_seconds_sum{route="/x"} 4.25',
        'hrm_test_seconds_count{route="/x"} 4',
      ]),
    );
  });

  it('runs collectors at each scrape, and answers even when one fails or hangs', async () => {
    const metrics = new Metrics();
    const gauge = metrics.gauge('hrm_test_value', 'A test');
    let value = 1;
    metrics.collect(() => gauge(value));
    metrics.collect(() => Promise.reject(new Error('out of reach')));
    metrics.collect(() => new Promise<void>(() => undefined));
    expect(await metrics.scrape()).toContain('hrm_test_value 1');
    value = 2;
    const started = Date.now();
    expect(await metrics.scrape()).toContain('hrm_test_value 2');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("shows the process's memory, CPU and uptime once registered, however often", async () => {
    const metrics = new Metrics();
    registerProcessMetrics(metrics);
    registerProcessMetrics(metrics);
    const text = await metrics.scrape();
    expect(Number(/^hrm_process_resident_memory_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(1_000_000);
    expect(text.match(/^# TYPE hrm_process_uptime_seconds gauge$/gm)).toHaveLength(1);
    expect(text).toMatch(/^hrm_process_cpu_seconds_total \d/m);
  });
});
