/**
 * Reading queue-proxy metrics: the Prometheus text parser, a real scrape over a socket on
 * 127.0.0.1, the collection's arithmetic (proxied requests subtracted), and the activator
 * probe.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeActivatorAt, endpointTargets } from './activator-probe.ts';
import { MetricCollection, sumStats } from './collector.ts';
import { parseQueueMetrics, scrapePod } from './scrape.ts';

const TEXT = `# HELP queue_average_concurrent_requests Average of requests currently being handled by this pod
# TYPE queue_average_concurrent_requests gauge
queue_average_concurrent_requests{destination_configuration="hello",destination_namespace="default",destination_pod="hello-00001-deployment-abc",destination_revision="hello-00001"} 3.5
# TYPE queue_average_proxied_concurrent_requests gauge
queue_average_proxied_concurrent_requests{destination_configuration="hello",destination_namespace="default",destination_pod="hello-00001-deployment-abc",destination_revision="hello-00001"} 1
queue_requests_per_second{destination_configuration="hello",destination_namespace="default",destination_pod="hello-00001-deployment-abc",destination_revision="hello-00001"} 12
queue_proxied_operations_per_second{destination_configuration="hello",destination_namespace="default",destination_pod="hello-00001-deployment-abc",destination_revision="hello-00001"} 4
process_uptime{destination_pod="hello-00001-deployment-abc"} 42.5
go_goroutines 12
`;

const IDS = { namespace: 'default', revision: 'hello-00001', podName: 'fallback' };

test('Prometheus text → Stat', () => {
  const s = parseQueueMetrics(TEXT, IDS, 1000);
  assert.deepEqual(s, {
    namespace: 'default', revision: 'hello-00001', podName: 'hello-00001-deployment-abc', averageConcurrentRequests: 3.5,
    averageProxiedConcurrentRequests: 1, requestCount: 12, proxiedRequestCount: 4, timestamp: 1000, uptimeSeconds: 42.5,
  });
  assert.equal(parseQueueMetrics('go_goroutines 3\n', IDS, 0), undefined, 'not a queue-proxy');
  const bare = parseQueueMetrics('queue_average_concurrent_requests 2 1700000000000\n', IDS, 0);
  assert.equal(bare?.averageConcurrentRequests, 2, 'no labels, with a sample timestamp');
  assert.equal(bare?.podName, 'fallback');
  assert.equal(bare?.requestCount, 0);
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

test('scraping a pod over HTTP; failures reject', async () => {
  const { server, port } = await serve((req, res) => {
    if (req.url !== '/metrics') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(TEXT);
  });
  try {
    const s = await scrapePod({ ip: '127.0.0.1', name: 'p', namespace: 'default', revision: 'hello-00001' }, 500, 5, port);
    assert.equal(s.averageConcurrentRequests, 3.5);
  } finally {
    await new Promise((r) => server.close(r));
  }
  await assert.rejects(scrapePod({ ip: '127.0.0.1', name: 'p', namespace: 'default', revision: 'r' }, 300, 5, port));
  const slow = await serve(() => { /* never answers */ });
  try {
    await assert.rejects(scrapePod({ ip: '127.0.0.1', name: 'p', namespace: 'default', revision: 'r' }, 100, 5, slow.port), /timed out/);
  } finally {
    slow.server.closeAllConnections();
    await new Promise((r) => slow.server.close(r));
  }
});

test('the collection subtracts proxied requests and knows when it has no data', () => {
  const T0 = Date.UTC(2026, 0, 1);
  const c = new MetricCollection({ stableWindowMs: 60_000, panicWindowMs: 6_000, aggregation: 'linear' });
  assert.equal(c.observed('concurrency', T0, true), undefined, 'scraping but nothing yet: no data');
  assert.deepEqual(c.observed('concurrency', T0, false), { stable: 0, panic: 0 }, 'nothing to scrape: silence is zero');
  c.record(T0, sumStats([parseQueueMetrics(TEXT, IDS, T0)!, parseQueueMetrics(TEXT, IDS, T0)!]));
  assert.deepEqual(c.observed('concurrency', T0, true), { stable: 5, panic: 5 });
  assert.deepEqual(c.observed('rps', T0, true), { stable: 16, panic: 16 });
  for (let i = 1; i < 10; i++) c.record(T0 + i * 1000, { averageConcurrentRequests: 0, averageProxiedConcurrentRequests: 0, requestCount: 0, proxiedRequestCount: 0 });
  const o = c.observed('concurrency', T0 + 9000, true)!;
  assert.equal(o.stable, 0.5, '5 over 10 seconds');
  assert.equal(o.panic, 0, 'the panic window (6 s) no longer holds it');
  assert.equal(c.observed('concurrency', T0 + 9000 + 61_000, true), undefined);
});

test('activator probe: 200 "activator" from every endpoint', async () => {
  const act = await serve((req, res) => {
    if (req.headers['k-network-probe'] === 'activator') res.writeHead(200).end('activator');
    else res.writeHead(400).end();
  });
  const pod = await serve((_req, res) => { res.writeHead(200).end('queue'); });
  try {
    assert.equal(await probeActivatorAt('127.0.0.1', act.port, 500), true);
    assert.equal(await probeActivatorAt('127.0.0.1', pod.port, 500), false, 'a revision pod is not the activator');
  } finally {
    await new Promise((r) => act.server.close(r));
    await new Promise((r) => pod.server.close(r));
  }
  assert.equal(await probeActivatorAt('127.0.0.1', act.port, 300), false, 'nothing listening');
  assert.deepEqual(endpointTargets({ apiVersion: 'v1', kind: 'Endpoints', metadata: {}, subsets: [{ addresses: [{ ip: '10.0.0.5' }], ports: [{ name: 'http', port: 8012 }, { name: 'https', port: 8112 }] }] }), [{ ip: '10.0.0.5', port: 8012 }]);
});
