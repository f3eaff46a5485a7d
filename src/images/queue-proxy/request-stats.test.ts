import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestStats } from './request-stats.ts';
import { renderStatMetrics } from './stats-metrics.ts';

describe('RequestStats', () => {
  it('averages concurrency over time: two 500 ms requests in a second are 1', () => {
    const s = new RequestStats(0);
    s.requestIn(0, false);
    s.requestIn(0, true);
    s.requestOut(500, false);
    s.requestOut(500, true);
    const r = s.report(1000);
    assert.deepEqual(r, { averageConcurrency: 1, averageProxiedConcurrency: 0.5, requestCount: 2, proxiedRequestCount: 1 });
  });

  it('carries open requests into the next period and resets the counts', () => {
    const s = new RequestStats(0);
    s.requestIn(250, false);
    assert.equal(s.report(1000).averageConcurrency, 0.75);
    const next = s.report(2000);
    assert.deepEqual(next, { averageConcurrency: 1, averageProxiedConcurrency: 0, requestCount: 0, proxiedRequestCount: 0 });
    s.requestOut(2000, false);
    assert.equal(s.report(2000).averageConcurrency, 0);
  });

  it('ignores a clock that steps back', () => {
    const s = new RequestStats(1000);
    s.requestIn(900, false);
    assert.equal(s.report(2000).averageConcurrency, 1);
  });
});

describe('renderStatMetrics', () => {
  it('renders the five gauges with the destination labels, rates per second of the period', () => {
    const text = renderStatMetrics(
      { report: { averageConcurrency: 1.5, averageProxiedConcurrency: 0.5, requestCount: 4, proxiedRequestCount: 2 }, uptimeSeconds: 12.5 },
      { namespace: 'default', configuration: 'hello', revision: 'hello-00001', pod: 'p"1' },
      2,
    );
    const labels = 'destination_configuration="hello",destination_namespace="default",destination_pod="p\\"1",destination_revision="hello-00001"';
    assert.match(text, new RegExp(`^queue_requests_per_second\\{${labels.replace(/[\\"{}]/g, (c) => `\\${c}`)}\\} 2$`, 'm'));
    assert.match(text, /^queue_proxied_operations_per_second\{.*\} 1$/m);
    assert.match(text, /^queue_average_concurrent_requests\{.*\} 1\.5$/m);
    assert.match(text, /^queue_average_proxied_concurrent_requests\{.*\} 0\.5$/m);
    assert.match(text, /^process_uptime\{.*\} 12\.5$/m);
    assert.match(text, /^# TYPE process_uptime gauge$/m);
  });
});
