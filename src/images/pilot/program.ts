/**
 * The `pilot` image (`pilot-discovery discovery …`): the process that stands for istiod in
 * its Deployment. The control plane's real work — configuration for the proxies, the mesh
 * CA, injection — runs inside skiff itself (src/controllers/mesh/, src/mesh/pki/, the
 * sidecar-injection admission plugin); this program gives the Deployment what the kubelet
 * and Prometheus look for, on the pod's address ($SKIFF_LISTEN_ADDRESS):
 *
 * - 8080 `GET /ready` → 200 (istiod's readiness probe);
 * - 15014 `GET /metrics` → istiod's build info in Prometheus text (`--monitoringAddr`).
 *
 * SIGTERM closes both listeners and exits 0.
 */
import { createServer, type Server } from 'node:http';
import type { Program } from '../program.ts';

export const READY_PORT = 8080;
export const MONITORING_PORT = 15014;
/** The Istio release Maistra 2.5's istiod reports. */
const ISTIO_VERSION = '1.20.8';

export const pilot: Program = (io) => {
  const log = (level: 'info' | 'error', message: string) => io.stderr.write(`${new Date().toISOString()}\t${level}\t${message}\n`);
  const host = io.env.SKIFF_LISTEN_ADDRESS || undefined;
  const started = Date.now();
  const ready = createServer((req, res) => {
    req.resume();
    if (req.url?.split('?')[0] === '/ready') res.writeHead(200, { 'Content-Length': 0 }).end();
    else res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
  });
  const monitoring = createServer((req, res) => {
    req.resume();
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end([
      '# HELP istio_build Istio component build info',
      '# TYPE istio_build gauge',
      `istio_build{component="pilot",tag="${ISTIO_VERSION}"} 1`,
      '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
      '# TYPE process_start_time_seconds gauge',
      `process_start_time_seconds ${(started / 1000).toFixed(3)}`,
      '',
    ].join('\n'));
  });
  const servers: Array<[Server, number]> = [[ready, READY_PORT], [monitoring, MONITORING_PORT]];
  for (const [server, port] of servers) {
    server.on('error', (err) => {
      log('error', `failed to listen on ${host ?? '*'}:${port}: ${err.message}`);
      io.exit(1);
    });
    server.listen(port, host, () => log('info', `${port === READY_PORT ? 'readiness' : 'monitoring'} server listening on ${host ?? '*'}:${port}`));
  }
  const close = () => {
    for (const [server] of servers) {
      server.close();
      server.closeAllConnections();
    }
  };
  io.onSignal('SIGTERM', () => {
    log('info', 'Received signal terminated, exiting');
    close();
    io.exit(0);
  });
  return { close };
};
