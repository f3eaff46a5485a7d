/**
 * The serving port's handler chain (pkg/queue/sharedmain/handlers.go mainHandler), outermost
 * first:
 * 1. the drainer: health checks (kubelet, activator and autoscaler probes, and
 *    `K-Network-Probe: queue`) run the user readiness probe — 200 `queue` or 503 — and
 *    ingress probes (`K-Network-Probe: probe`) echo `K-Network-Hash`; while draining both
 *    answer 503 `shutting down`; any other request restarts the drain's quiet period;
 * 2. request metrics (revision_request_count/latencies);
 * 3. the timeout handler;
 * 4. autoscaling stats (concurrency; `K-Proxy-Request: activator` counts as proxied);
 * 5. the breaker, when containerConcurrency ≥ 1 (503 `pending request queue full`);
 * 6. app metrics and the reverse proxy to the user container.
 */
import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Breaker, BreakerTicket } from './breaker.ts';
import type { QueueConfig } from './config.ts';
import { ACTIVATOR_NAME, HEADER, HEALTH_CHECK_UA_PREFIXES, KUBE_PROBE_UA_PREFIX, NETWORK_PROBE_VALUE, QUEUE_FULL_MESSAGE, QUEUE_NAME } from './constants.ts';
import type { Drainer } from './drainer.ts';
import { armTimeouts, forward, writeError, type ForwardHandle, type TimeoutHandle } from './forward.ts';
import { routeTagOf, type RequestMetrics } from './request-metrics.ts';
import type { RequestStats } from './request-stats.ts';
import type { UpstreamPool } from './upstream-client.ts';

export interface MainHandlerDeps {
  config: QueueConfig;
  agent: Agent;
  pool: UpstreamPool;
  stats: RequestStats;
  breaker: Breaker | undefined;
  metrics: RequestMetrics;
  drainer: Drainer;
  /** Whether the user container is ready (the readiness probe). */
  prober: () => Promise<boolean>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function createMainHandler(deps: MainHandlerDeps): Handler {
  const { config, stats, breaker, metrics, drainer } = deps;
  const timeouts = { revisionMs: config.revisionTimeoutMs, responseStartMs: config.responseStartTimeoutMs, idleMs: config.idleTimeoutMs };
  const target = { host: config.userHost, port: config.userPort, agent: deps.agent, pool: deps.pool };

  const healthCheck = (req: IncomingMessage, res: ServerResponse) => {
    const value = header(req, HEADER.probe) ?? '';
    // A kubelet probe without the header is the queue-proxy's own readiness check too (skiff; upstream wants the header).
    if (value !== QUEUE_NAME && value !== '') {
      writeError(res, 400, `unexpected probe header value: ${value}`);
      return;
    }
    void deps.prober().then((ready) => {
      if (res.destroyed) return;
      if (ready) res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': QUEUE_NAME.length }).end(QUEUE_NAME);
      else res.writeHead(503, { 'Content-Length': 0 }).end();
    });
  };

  const networkProbe = (req: IncomingMessage, res: ServerResponse) => {
    const hash = header(req, HEADER.hash);
    if (!hash) writeError(res, 400, 'a probe request must contain a non-empty "K-Network-Hash" header');
    else res.writeHead(200, { 'K-Network-Hash': hash, 'Content-Length': 0 }).end();
  };

  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const isProbe = header(req, HEADER.probe) !== undefined;
    const routeTag = isProbe ? '' : routeTagOf(header(req, HEADER.routeTag), header(req, HEADER.defaultRoute));
    const proxied = header(req, HEADER.proxy) === ACTIVATOR_NAME;
    stats.requestIn(started, proxied);
    // Synchronous with the timeout's start and the stats, as upstream's chain is; a full queue is answered below.
    const ticket: BreakerTicket | undefined = breaker?.tryEnter();
    let exchange: ForwardHandle | undefined;
    let ended = false;
    const timeout: TimeoutHandle | undefined = breaker && !ticket ? undefined : armTimeouts(res, timeouts, () => {
      ended = true;
      ticket?.release();
      exchange?.abort();
    });
    // The one place a request's end is accounted: timers, breaker slot, stats, metrics, the upstream exchange.
    res.once('close', () => {
      ended = true;
      timeout?.clear();
      ticket?.release();
      const now = Date.now();
      stats.requestOut(now, proxied);
      if (!isProbe) metrics.request(res.statusCode, now - started, routeTag);
      exchange?.closed();
    });
    if (breaker && !ticket) {
      req.resume();
      writeError(res, 503, QUEUE_FULL_MESSAGE);
      return;
    }
    const toApp = () => {
      if (ended) return;
      if (breaker) metrics.queueDepth(breaker.inFlight);
      const appStarted = Date.now();
      const onAppDone = isProbe ? noop : (status: number) => metrics.appRequest(status, Date.now() - appStarted);
      exchange = forward(req, res, target, onAppDone, timeouts.idleMs > 0 ? timeout!.wrote : undefined);
    };
    if (ticket) void ticket.ready.then(toApp);
    else toApp();
  };

  return (req, res) => {
    if (isHealthCheck(req)) {
      req.resume();
      if (drainer.draining) writeError(res, 503, 'shutting down');
      else healthCheck(req, res);
      return;
    }
    if (header(req, HEADER.probe) === NETWORK_PROBE_VALUE) {
      req.resume();
      if (drainer.draining) writeError(res, 503, 'shutting down');
      else networkProbe(req, res);
      return;
    }
    drainer.requestSeen();
    serve(req, res);
  };
}

/** The drainer's health checks: kubelet probes, the activator's and autoscaler's, and the queue readiness header. */
export function isHealthCheck(req: IncomingMessage): boolean {
  const ua = header(req, HEADER.userAgent) ?? '';
  if (ua.startsWith(KUBE_PROBE_UA_PREFIX) || header(req, HEADER.kubeletProbe)) return true;
  if (HEALTH_CHECK_UA_PREFIXES.some((p) => ua.startsWith(p))) return true;
  return header(req, HEADER.probe) === QUEUE_NAME;
}

function noop(): void {}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
