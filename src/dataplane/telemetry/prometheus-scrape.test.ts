/**
 * A real Prometheus (Debian's /usr/bin/prometheus) scrapes a stats endpoint serving two
 * proxies' merged registries and answers queries on istio_requests_total with Istio's labels
 * (a page repeating a series would be rejected whole).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IstioMetrics } from './istio-metrics.ts';
import { STATS_PATH, statsRequestListener } from './stats-endpoint.ts';
import { httpRecord, tcpRecord } from './test-records.ts';

const PROMETHEUS = '/usr/bin/prometheus';

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  const killer = setTimeout(() => {
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }, 10_000);
  await exited;
  clearTimeout(killer);
}

interface Sample { metric: Record<string, string>; value: [number, string] }

/** Asks Prometheus until the query answers at least one series (or the process dies). */
async function queryUntilAnswered(base: string, query: string, child: ChildProcess, log: () => string): Promise<Sample[]> {
  const deadline = Date.now() + 90_000;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) assert.fail(`prometheus exited (${child.exitCode}):\n${log()}`);
    try {
      const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
      last = await res.text();
      const body = JSON.parse(last) as { status: string; data?: { result: Sample[] } };
      if (body.status === 'success' && body.data && body.data.result.length > 0) return body.data.result;
    } catch (e) {
      last = String(e);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`no answer to ${query}; last response: ${last}\n${log()}`);
}

test('Prometheus scrapes /stats/prometheus and answers istio_requests_total{response_code="200"}', {
  skip: existsSync(PROMETHEUS) ? false : `${PROMETHEUS} is not installed (Debian package prometheus)`,
}, async (t) => {
  // Undone last-in first-out: Prometheus stops before its data directory is removed.
  const cleanups: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const undo of cleanups.reverse()) await undo();
  });
  const metrics = new IstioMetrics();
  metrics.record(httpRecord());
  metrics.record(httpRecord({ durationMs: 42 }));
  metrics.record(httpRecord());
  metrics.record(httpRecord({ responseCode: 503, responseFlags: ['UF', 'URX'] }));
  metrics.record(tcpRecord());
  // A second proxy in the same process: its 503 series is the same as the first's, so it is summed.
  const other = new IstioMetrics();
  other.record(httpRecord({ responseCode: 503, responseFlags: ['UF', 'URX'] }));
  other.record(httpRecord({ responseCode: 404, responseFlags: ['NR'] }));

  const stats = createHttpServer(statsRequestListener(() => [metrics.registry, other.registry]));
  await new Promise<void>((resolve) => stats.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => stats.close(() => resolve())));
  const statsPort = (stats.address() as AddressInfo).port;

  const dir = await mkdtemp(join(tmpdir(), 'skiff-prometheus-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'prometheus.yml'), [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    '  - job_name: istio-proxy',
    `    metrics_path: ${STATS_PATH}`,
    '    static_configs:',
    `      - targets: ['127.0.0.1:${statsPort}']`,
    '',
  ].join('\n'));

  const webPort = await freePort();
  let output = '';
  const child = spawn(PROMETHEUS, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${webPort}`,
  ], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (c: Buffer): void => { output = (output + c.toString()).slice(-8000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  cleanups.push(() => stopGroup(child));

  const base = `http://127.0.0.1:${webPort}`;
  const ok = await queryUntilAnswered(base, 'istio_requests_total{response_code="200"}', child, () => output);
  assert.equal(ok.length, 1);
  const m = ok[0]!.metric;
  assert.equal(ok[0]!.value[1], '3');
  assert.equal(m.__name__, 'istio_requests_total');
  assert.equal(m.job, 'istio-proxy');
  assert.equal(m.reporter, 'destination');
  assert.equal(m.source_workload, 'productpage-v1');
  assert.equal(m.source_principal, 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage');
  assert.equal(m.destination_service, 'reviews.default.svc.cluster.local');
  assert.equal(m.destination_canonical_revision, 'v1');
  assert.equal(m.response_flags, '-');
  assert.equal(m.connection_security_policy, 'mutual_tls');
  assert.equal(m.request_protocol, 'http');
  // Prometheus drops empty label values: grpc_response_status="" is absent once stored.
  assert.equal(m.grpc_response_status, undefined);

  const failed = await queryUntilAnswered(base, 'istio_requests_total{response_flags="UF,URX"}', child, () => output);
  assert.equal(failed[0]!.metric.response_code, '503');
  assert.equal(failed[0]!.value[1], '2');
  const notFound = await queryUntilAnswered(base, 'istio_requests_total{response_flags="NR"}', child, () => output);
  assert.equal(notFound[0]!.value[1], '1');

  const slow = await queryUntilAnswered(
    base, 'sum(istio_request_duration_milliseconds_bucket{response_code="200",le="50"}) - sum(istio_request_duration_milliseconds_bucket{response_code="200",le="25"})', child, () => output);
  assert.equal(slow[0]!.value[1], '1');

  const tcp = await queryUntilAnswered(base, 'istio_tcp_sent_bytes_total', child, () => output);
  assert.equal(tcp[0]!.value[1], '4096');
  assert.equal(tcp[0]!.metric.request_protocol, 'tcp');
});
