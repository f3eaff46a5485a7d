import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { renderMetrics } from './prometheus-text.ts';

describe('renderMetrics', () => {
  it('writes what prom-client writes for the same observations', async () => {
    const registry = new Registry();
    const registers = [registry];
    const counter = new Counter({ name: 'c_total', help: 'counted "x" \\ y', labelNames: ['a', 'b'], registers });
    const histogram = new Histogram({ name: 'h', help: 'latencies', labelNames: ['a', 'b'], buckets: [5, 10], registers });
    new Histogram({ name: 'empty', help: 'none', labelNames: ['a'], buckets: [5], registers });
    const gauge = new Gauge({ name: 'g', help: 'depth', labelNames: ['a'], registers });
    counter.inc({ a: '1', b: 'q"uote' }, 2);
    for (const v of [3, 7, 70]) histogram.observe({ a: '1', b: '2' }, v);
    gauge.set({ a: 'x' }, 4);

    const text = renderMetrics([
      { name: 'c_total', help: 'counted "x" \\ y', type: 'counter', series: [{ labels: 'a="1",b="q\\"uote"', count: 2, sum: 0, buckets: [] }] },
      { name: 'h', help: 'latencies', type: 'histogram', buckets: [5, 10], series: [{ labels: 'a="1",b="2"', count: 3, sum: 80, buckets: [1, 1] }] },
      { name: 'empty', help: 'none', type: 'histogram', buckets: [5], series: [] },
      { name: 'g', help: 'depth', type: 'gauge', gauge: { labels: 'a="x"', value: 4 } },
    ]);
    assert.equal(text, await registry.metrics());
  });
});
