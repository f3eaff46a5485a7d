import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { Counter, Gauge } from 'prom-client';
import type { AddressInfo } from 'node:net';
import { ISTIO_DEFAULT_BUCKETS, IstioMetrics, parseHistogramBucketsAnnotation } from './istio-metrics.ts';
import { HTTP_LABEL_NAMES } from './labels.ts';
import { PROMETHEUS_CONTENT_TYPE, STATS_PATH, statsRequestListener } from './stats-endpoint.ts';
import { httpRecord, tcpRecord } from './test-records.ts';

test('an HTTP record counts a request and observes duration and bytes with Istio\'s labels', async () => {
  const m = new IstioMetrics();
  m.record(httpRecord());
  m.record(httpRecord({ durationMs: 700, bytesSent: 10 }));
  const text = await m.render();
  const labels = 'reporter="destination",source_workload="productpage-v1"';
  assert.ok(text.includes(`istio_requests_total{${labels}`));
  const requests = text.split('\n').find((l) => l.startsWith('istio_requests_total{'))!;
  assert.match(requests, / 2$/);
  // Labels appear in Istio's order.
  const names = [...requests.matchAll(/([a-z_]+)="/g)].map((x) => x[1]);
  assert.deepEqual(names, [...HTTP_LABEL_NAMES]);
  assert.match(text, /^# TYPE istio_request_duration_milliseconds histogram$/m);
  // prom-client prints `le` first (Envoy last): Prometheus sorts labels, so queries are the same.
  assert.match(text, /^istio_request_duration_milliseconds_bucket\{le="5",reporter="destination"[^}]*\} 1$/m);
  assert.match(text, /^istio_request_duration_milliseconds_bucket\{le="1000",[^}]*\} 2$/m);
  assert.match(text, /^istio_request_duration_milliseconds_sum\{[^}]*\} 703$/m);
  assert.match(text, /^istio_response_bytes_sum\{[^}]*\} 305$/m);
  assert.match(text, /^istio_request_bytes_count\{[^}]*\} 2$/m);
  assert.equal(text.match(/^istio_request_bytes_bucket\{/gm)?.length, ISTIO_DEFAULT_BUCKETS.length + 1);
  assert.ok(!text.includes('istio_tcp_'), 'no TCP series without TCP records');
});

test('a client sidecar\'s requests that reached no cluster count per Host: one series each', async () => {
  const m = new IstioMetrics();
  const peers = { source: {}, destination: {} };
  const aborted = (authority: string) => httpRecord({ ...peers, reporter: 'source', responseCode: 418, destinationService: undefined, destinationServiceName: undefined, destinationServiceNamespace: undefined, authority });
  m.record(aborted('a.apps.svc.cluster.local'));
  m.record(aborted('b.apps.svc.cluster.local'));
  m.record(aborted('b.apps.svc.cluster.local'));
  const lines = (await m.render()).split('\n').filter((l) => l.startsWith('istio_requests_total{'));
  assert.deepEqual(lines.map((l) => [/destination_service="([^"]*)"/.exec(l)![1], l.split(' ').pop()]), [['a.apps.svc.cluster.local', '1'], ['b.apps.svc.cluster.local', '2']]);
});

test('families are listed in name order whatever came first; metrics registered by others stay', async () => {
  const m = new IstioMetrics();
  new Gauge({ name: 'istio_build', help: 'Build.', labelNames: ['tag'], registers: [m.registry] }).labels('1.20').set(1);
  m.tcpOpened(tcpRecord());
  m.record(httpRecord());
  m.tcpClosed(tcpRecord());
  const types = [...(await m.render()).matchAll(/^# TYPE (\S+)/gm)].map((x) => x[1]);
  assert.deepEqual(types, [
    'istio_build',
    'istio_request_bytes',
    'istio_request_duration_milliseconds',
    'istio_requests_total',
    'istio_response_bytes',
    'istio_tcp_connections_closed_total',
    'istio_tcp_connections_opened_total',
  ]);
});

test('a TCP record counts open, close and bytes; streaming reports add deltas', async () => {
  const m = new IstioMetrics();
  m.record(tcpRecord());
  const live = tcpRecord();
  m.tcpOpened(live);
  m.tcpBytes(live, 10, 5);
  m.tcpBytes(live, 0, 1);
  const text1 = await m.render();
  assert.match(text1, /^istio_tcp_connections_opened_total\{[^}]*\} 2$/m);
  assert.match(text1, /^istio_tcp_connections_closed_total\{[^}]*\} 1$/m);
  assert.match(text1, /^istio_tcp_sent_bytes_total\{[^}]*\} 4106$/m);
  assert.match(text1, /^istio_tcp_received_bytes_total\{[^}]*\} 126$/m);
  assert.doesNotMatch(text1, /istio_tcp_sent_bytes_total\{[^}]*response_code/);
  m.tcpClosed(live);
  assert.match(await m.render(), /^istio_tcp_connections_closed_total\{[^}]*\} 2$/m);
});

test('statsHistogramBuckets overrides the buckets of the Istio histograms', async () => {
  const { buckets, error } = parseHistogramBucketsAnnotation(
    '{"istiocustom":[1,5,10],"istiocustom.istio_request_bytes":[100,10]}',
  );
  assert.equal(error, undefined);
  assert.deepEqual(buckets.istio_request_duration_milliseconds, [1, 5, 10]);
  assert.deepEqual(buckets.istio_request_bytes, [10, 100]);
  const m = new IstioMetrics({ buckets });
  m.record(httpRecord());
  assert.equal((await m.render()).match(/^istio_request_bytes_bucket\{/gm)?.length, 3);
  assert.match(parseHistogramBucketsAnnotation('{').error ?? '', /not JSON/);
  assert.match(parseHistogramBucketsAnnotation('{"istiocustom":["a"]}').error ?? '', /positive numbers/);
  assert.deepEqual(parseHistogramBucketsAnnotation(undefined).buckets, {});
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('the stats endpoint serves the merged registries of several proxies at /stats/prometheus', async (t) => {
  const a = new IstioMetrics();
  const b = new IstioMetrics();
  a.record(httpRecord());
  b.record(httpRecord());
  b.record(httpRecord({ responseCode: 503, responseFlags: ['UH'] }));
  const server = createServer(statsRequestListener(() => [a.registry, b.registry]));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = await listen(server);
  const res = await fetch(base + STATS_PATH);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), PROMETHEUS_CONTENT_TYPE);
  const body = await res.text();
  assert.match(body, /^istio_requests_total\{[^}]*response_code="200"[^}]*\} 2$/m);
  assert.match(body, /^istio_requests_total\{[^}]*response_code="503",grpc_response_status="",response_flags="UH"[^}]*\} 1$/m);
  assert.equal((await fetch(base + '/other')).status, 404);
  assert.equal((await fetch(base + STATS_PATH, { method: 'POST' })).status, 405);
  const head = await fetch(base + STATS_PATH, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('a metric that fails to collect makes the scrape a 500, not a hang', async (t) => {
  const m = new IstioMetrics();
  m.record(httpRecord());
  new Counter({ name: 'broken_total', help: 'Broken.', registers: [m.registry], collect: () => { throw new Error('no data'); } });
  const server = createServer(statsRequestListener(() => [m.registry]));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const res = await fetch((await listen(server)) + STATS_PATH);
  assert.equal(res.status, 500);
  assert.match(await res.text(), /no data/);
});
