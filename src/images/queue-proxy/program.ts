/**
 * The queue-proxy image (knative/serving cmd/queue): the sidecar in every revision pod, beside
 * the user container, both on the pod's address ($SKIFF_LISTEN_ADDRESS):
 *
 * - QUEUE_SERVING_PORT (8012): the reverse proxy to the user container on USER_PORT, with
 *   readiness and ingress probes, timeouts and the concurrency breaker (main-handler.ts), and
 *   protocol upgrades such as websockets (upgrade.ts);
 * - 8022: `/wait-for-drain` for the user container's preStop hook (admin.ts);
 * - 9090 `/metrics`: the autoscaler's stat gauges, averaged over the last second (stats-metrics.ts);
 * - 9091 `/metrics`: Knative's request metrics (request-metrics.ts).
 *
 * SIGTERM drains: probes answer 503 `shutting down`, requests are still served, and once a
 * quiet period (30 s; skiff's SKIFF_QUEUE_DRAIN_SECONDS shortens it) passes with no new
 * request the servers close, in-flight requests finish, and the program exits 0.
 */
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Program } from '../program.ts';
import { createAdminHandler } from './admin.ts';
import { Breaker } from './breaker.ts';
import { readConfig } from './config.ts';
import { ADMIN_PORT, AUTOSCALING_METRICS_PORT, REPORTING_PERIOD_MS, USER_METRICS_PORT } from './constants.ts';
import { Drainer } from './drainer.ts';
import { createMainHandler } from './main-handler.ts';
import { decodeProbes, makeProber } from './readiness.ts';
import { RequestMetrics } from './request-metrics.ts';
import { RequestStats } from './request-stats.ts';
import { createUpgradeHandler } from './upgrade.ts';
import { UpstreamPool } from './upstream-client.ts';
import { EMPTY_REPORT, renderStatMetrics, type StatSnapshot } from './stats-metrics.ts';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

export const queueProxy: Program = (io) => {
  const config = readConfig(io.env);
  const key = `${config.namespace}/${config.revision}`;
  // zap's JSON lines, as Knative's default logging config writes them.
  const log = (severity: 'INFO' | 'ERROR', message: string) =>
    io.stderr.write(`${JSON.stringify({ severity, timestamp: new Date().toISOString(), logger: 'queueproxy', message, 'knative.dev/key': key, 'knative.dev/pod': config.pod })}\n`);

  const probes = decodeProbes(config.readinessProbe, config.userPort);
  if (probes instanceof Error) {
    log('ERROR', probes.message);
    io.exit(1);
    return { close: () => {} };
  }
  const prober = makeProber(probes, { localHost: config.userHost, userPort: config.userPort, report: (m) => io.stderr.write(`${m}\n`) });

  const started = Date.now();
  const stats = new RequestStats(started);
  let snapshot: StatSnapshot = { report: EMPTY_REPORT, uptimeSeconds: 0 };
  const reporter = setInterval(() => {
    const now = Date.now();
    snapshot = { report: stats.report(now), uptimeSeconds: (now - started) / 1000 };
  }, REPORTING_PERIOD_MS);

  const cc = config.containerConcurrency;
  // Queue depth 10 × CC gives the autoscaler time to react (buildBreaker).
  const breaker = cc >= 1 ? new Breaker({ maxConcurrency: cc, queueDepth: 10 * cc }) : undefined;
  if (breaker) log('INFO', `Queue container is starting with BreakerParams = {QueueDepth:${10 * cc} MaxConcurrency:${cc} InitialCapacity:${cc}}`);
  const metrics = new RequestMetrics(config);
  const drainer = new Drainer(config.drainQuietMs);
  // Always the same host: idle connections kept up to CC (1000 when unlimited), as buildTransport.
  const agent = new Agent({ keepAlive: true, maxFreeSockets: cc >= 1 ? cc : 1000 });
  const pool = new UpstreamPool(config.userHost, config.userPort, cc >= 1 ? cc : 1000);
  const timers = new Set<ReturnType<typeof setTimeout> | ReturnType<typeof setInterval>>();
  let terminating = false;

  // Like Go's server: no idle limit on kept-alive connections (the gateway and the activator
  // pool them, and a close racing a reuse fails a request), no limit on receiving a request
  // (the timeout handler governs), a minute for the headers (ReadHeaderTimeout).
  const main = createServer({ keepAliveTimeout: 0, requestTimeout: 0, headersTimeout: 60_000 }, createMainHandler({ config, agent, pool, stats, breaker, metrics, drainer, prober }));
  main.on('upgrade', createUpgradeHandler({ userHost: config.userHost, userPort: config.userPort, stats, breaker, drainer }));
  const admin = createServer(createAdminHandler({ drainer, terminating: () => terminating, log: (m) => log('INFO', m), timers }));
  const autoscalingMetrics = createServer(metricsRoute(() => renderStatMetrics(snapshot, config, REPORTING_PERIOD_MS / 1000)));
  const userMetrics = createServer(metricsRoute(() => metrics.render()));
  const servers: Array<[string, Server, number]> = [
    ['main', main, config.servingPort],
    ['admin', admin, ADMIN_PORT],
    ['metrics', autoscalingMetrics, AUTOSCALING_METRICS_PORT],
    ['user-metrics', userMetrics, USER_METRICS_PORT],
  ];
  log('INFO', 'Starting queue-proxy');
  for (const [name, server, port] of servers) {
    server.on('error', (err) => {
      log('ERROR', `Failed to bring up queue-proxy, shutting down. ${name} server failed to serve: ${err.message}`);
      close();
      io.exit(1);
    });
    server.listen(port, config.listenAddress, () => log('INFO', `Starting http server ${name} ${config.listenAddress ?? ''}:${port}`));
  }

  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(reporter);
    for (const t of timers) clearTimeout(t);
    timers.clear();
    drainer.close();
    for (const [, server] of servers) {
      server.close();
      server.closeAllConnections();
    }
    agent.destroy();
    pool.destroy();
  };

  const terminate = () => {
    if (terminating) return;
    terminating = true;
    log('INFO', 'Received TERM signal, attempting to gracefully shutdown servers.');
    log('INFO', `Sleeping ${config.drainQuietMs / 1000}s to allow K8s propagation of non-ready state`);
    void drainer.drain().then(async () => {
      if (closed) return;
      // Shutdown, as Go's: stop accepting, let in-flight requests finish, and close each
      // kept-alive connection once it falls idle (Node's close() only closes those idle now).
      const sweep = setInterval(() => servers.forEach(([, server]) => server.closeIdleConnections()), 50);
      timers.add(sweep);
      await Promise.all(servers.map(([name, server]) => {
        log('INFO', `Shutting down server: ${name}`);
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }));
      clearInterval(sweep);
      log('INFO', 'Shutdown complete, exiting...');
      close();
      io.exit(0);
    });
  };
  io.onSignal('SIGTERM', terminate);
  io.onSignal('SIGINT', terminate);
  return { close };
};

function metricsRoute(render: () => string | Promise<string>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    req.resume();
    if ((req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    void Promise.resolve(render()).then(
      (text) => res.writeHead(200, { 'Content-Type': PROMETHEUS_TEXT }).end(text),
      (err: Error) => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${err.message}\n`),
    );
  };
}
