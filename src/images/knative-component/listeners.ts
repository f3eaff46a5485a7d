/**
 * The request handlers behind each listener kind (see components.ts): what the upstream
 * probes and scrapers receive from a Knative component.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerHttp2Stream } from 'node:http2';

/** knative.dev/pkg network.IsKubeletProbe: the kubelet's user agent or the K-Kubelet-Probe header. */
export function isKubeletProbe(req: IncomingMessage): boolean {
  return (req.headers['user-agent'] ?? '').startsWith('kube-probe/') || req.headers['k-kubelet-probe'] !== undefined;
}

const notFound = (res: ServerResponse) => res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');

/**
 * The probe port (8080): knative.dev/pkg's probe server answers `/readiness` and `/health`;
 * the autoscaler's stat server answers any kubelet probe (its readiness sends `k-kubelet-probe`).
 */
export function probesHandler(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/readiness' || path === '/health' || isKubeletProbe(req)) res.writeHead(200, { 'Content-Length': 0 }).end();
  else notFound(res);
}

/** The webhook's HTTPS port: kubelet probes succeed; admission itself runs inside skiff's API server. */
export function webhookHandler(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  if (isKubeletProbe(req)) res.writeHead(200, { 'Content-Length': 0 }).end();
  else notFound(res);
}

/** `/metrics` on 9090: process metrics in Prometheus text, as the Go components' default registry exports. */
export function metricsHandler(component: string, started: number): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    req.resume();
    if ((req.url ?? '/').split('?')[0] !== '/metrics') {
      notFound(res);
      return;
    }
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end([
      '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
      '# TYPE process_cpu_seconds_total counter',
      `process_cpu_seconds_total ${((cpu.user + cpu.system) / 1e6).toFixed(3)}`,
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${memory.rss}`,
      '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
      '# TYPE process_start_time_seconds gauge',
      `process_start_time_seconds ${(started / 1000).toFixed(3)}`,
      '# HELP knative_component_up Whether the Knative component is serving (skiff stands in for it).',
      '# TYPE knative_component_up gauge',
      `knative_component_up{component="${component}"} 1`,
      '',
    ].join('\n'));
  };
}

/** A SERVING HealthCheckResponse: gRPC frame (uncompressed, length 2) around protobuf field 1 = 1. */
const SERVING = Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]);

/** grpc.health.v1.Health/Check over h2c (net-kourier's xDS port): always SERVING. */
export function grpcHealthHandler(stream: ServerHttp2Stream, headers: Record<string, string | string[] | undefined>): void {
  stream.resume();
  const check = headers[':path'] === '/grpc.health.v1.Health/Check';
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers(check ? { 'grpc-status': '0' } : { 'grpc-status': '12', 'grpc-message': 'unknown service' }));
  stream.end(check ? SERVING : undefined);
}
