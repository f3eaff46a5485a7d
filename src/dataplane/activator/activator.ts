/**
 * One activator pod's data plane (knative/serving cmd/activator), run in skiff's main
 * process on the pod's own IP: :8012 takes requests the ingress routes to a revision whose
 * SKS is in Proxy mode, holds them while the revision has no ready pod (poking the
 * autoscaler on first sight), throttles them by containerConcurrency and forwards them to
 * the pods' queue-proxies; :9090 serves its Prometheus metrics. The caller (the activator
 * data-plane controller) pushes each revision's settings and ready backends. With a
 * `meshTls`, it reaches pods as its sidecar would: Istio mTLS with the activator pod's
 * identity where the pod's sidecar wants it, from the pod's own IP (pod-connection.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { PORTS, SERVING_NAMESPACE, type StatSink } from '../../controllers/serving/shared/contracts.ts';
import type { MeshClientTls, MeshSource } from '../mesh-tls/types.ts';
import { QueueFullError } from './breaker.ts';
import { ConcurrencyReporter } from './concurrency-reporter.ts';
import { forward } from './forward.ts';
import { ActivatorMetrics, type RevisionLabels } from './metrics.ts';
import { PodAgents, podConnection, type PodCaller } from './pod-connection.ts';
import { ACTIVATOR_NAME, answerProbe } from './probes.ts';
import { revisionIdOf, revisionNotFoundMessage } from './revision-id.ts';
import { RevisionThrottler, type Backend } from './revision-throttler.ts';
import { tunnel } from './upgrade.ts';

/** apiconfig.DefaultRevisionTimeoutSeconds. */
export const DEFAULT_TIMEOUT_SECONDS = 300;
/** Upstream's timeout handler message (504). */
export const TIMEOUT_MESSAGE = 'activator request timeout';

export interface RevisionSettings {
  containerConcurrency: number;
  timeoutSeconds: number;
  backends: Backend[];
  /** For metric labels (the revision's serving.knative.dev/service and /configuration labels). */
  service?: string;
  configuration?: string;
}

export interface ActivatorOptions {
  host: string;
  podName: string;
  sink: StatSink;
  /** Default 8012; 0 picks a free port (tests). */
  port?: number;
  /** Default 9090; 0 picks a free port; null serves no metrics. */
  metricsPort?: number | null;
  /** Stat reporting period (upstream 1s). */
  reportIntervalMs?: number;
  /** Tests: deterministic load balancing. */
  random?: () => number;
  /** Requests a revision may hold beyond its capacity (upstream 10000; tests use less). */
  queueDepth?: number;
  /** A request has to wait for the revision's capacity (its not-ready pods are worth probing now). */
  onHold?: (namespace: string, revision: string) => void;
  /** The mesh's auto mTLS: absent, pods are reached in plaintext from any local address (as before the mesh). */
  meshTls?: MeshClientTls;
  /** The activator pod's identity (default: knative-serving's `default` service account). */
  meshSource?: MeshSource;
  /**
   * Under the mesh, the address pod connections leave from: the activator pod's IP (default
   * `host`; differs when a sidecar holds the pod IP and the activator listens on the inner address).
   */
  localAddress?: string;
}

interface RevisionEntry {
  throttler: RevisionThrottler;
  timeoutSeconds: number;
  labels: RevisionLabels;
}

/** Go's http.Error: plain text, the message and a newline. */
function httpError(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(`${text}\n`);
}

export class Activator {
  readonly host: string;
  readonly #opts: ActivatorOptions;
  readonly #revisions = new Map<string, RevisionEntry>();
  readonly #reporter: ConcurrencyReporter;
  readonly metrics: ActivatorMetrics;
  /** Pooled connections to the pods' queue-proxies (plain, and one pool per mTLS identity). */
  readonly #agents = new PodAgents();
  /** Who the activator is in the mesh, when there is one. */
  readonly caller: PodCaller | undefined;
  readonly #server: http.Server;
  #metricsServer: http.Server | undefined;
  #timer: NodeJS.Timeout | undefined;
  #inFlight = 0;
  #draining = false;
  readonly #idle: Array<() => void> = [];

  constructor(opts: ActivatorOptions) {
    this.host = opts.host;
    this.#opts = opts;
    this.metrics = new ActivatorMetrics(opts.podName);
    // Connections to pods leave from the activator pod's address (a pod of knative-serving,
    // which NetworkPolicies such as seed 002's allow-from-serving-system-namespace admit).
    const localAddress = opts.localAddress ?? (isSpecificAddress(opts.host) ? opts.host : undefined);
    this.caller = opts.meshTls
      ? { tls: opts.meshTls, source: opts.meshSource ?? { namespace: SERVING_NAMESPACE, serviceAccount: 'default' }, ...(localAddress ? { localAddress } : {}) }
      : localAddress ? { localAddress } : undefined;
    this.#reporter = new ConcurrencyReporter(opts.podName, (ns, rev) => opts.sink.poke(ns, rev));
    // No request timeout of Node's own: a held request's body waits unread, and the revision's
    // timeoutSeconds is the limit. Idle client connections (the gateway's pool) stay a minute.
    this.#server = http.createServer({ requestTimeout: 0 }, (req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = 60_000;
    this.#server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(req, socket, head));
  }

  get port(): number {
    return (this.#server.address() as AddressInfo | null)?.port ?? 0;
  }

  get metricsPort(): number {
    return (this.#metricsServer?.address() as AddressInfo | null | undefined)?.port ?? 0;
  }

  /** Requests in the activator now (held or proxied). */
  get inFlight(): number {
    return this.#inFlight;
  }

  get draining(): boolean {
    return this.#draining;
  }

  async listen(): Promise<void> {
    await listenOn(this.#server, this.host, this.#opts.port ?? PORTS.queueHttp);
    if (this.#opts.metricsPort !== null) {
      this.#metricsServer = http.createServer((req, res) => {
        this.metrics.render().then((text) => {
          res.writeHead(200, { 'content-type': this.metrics.contentType });
          res.end(text);
        }, (err: unknown) => httpError(res, 500, String(err)));
      });
      try {
        await listenOn(this.#metricsServer, this.host, this.#opts.metricsPort ?? PORTS.autoscalingMetrics);
      } catch (err) {
        this.#server.close();
        throw err;
      }
    }
    this.#timer = setInterval(() => this.reportStats(), this.#opts.reportIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  updateRevision(namespace: string, revision: string, settings: RevisionSettings): void {
    const key = `${namespace}/${revision}`;
    let entry = this.#revisions.get(key);
    if (!entry) {
      entry = { throttler: new RevisionThrottler(settings.containerConcurrency, this.#opts.random, this.#opts.queueDepth), timeoutSeconds: settings.timeoutSeconds, labels: { namespace, revision, service: '', configuration: '' } };
      this.#revisions.set(key, entry);
    }
    entry.timeoutSeconds = settings.timeoutSeconds > 0 ? settings.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
    entry.labels = { namespace, revision, service: settings.service ?? '', configuration: settings.configuration ?? '' };
    entry.throttler.update(settings.containerConcurrency, settings.backends);
  }

  /** The revision is gone: requests still held for it fail with 503. */
  removeRevision(namespace: string, revision: string): void {
    const key = `${namespace}/${revision}`;
    this.#revisions.get(key)?.throttler.close(key);
    this.#revisions.delete(key);
  }

  revisions(): string[] {
    return [...this.#revisions.keys()];
  }

  /** Requests held for the revision now, waiting for capacity. */
  held(namespace: string, revision: string): number {
    return this.#revisions.get(`${namespace}/${revision}`)?.throttler.breaker.waiting ?? 0;
  }

  /** One reporting tick (the timer calls it; tests may too). */
  reportStats(now = Date.now()): void {
    for (const stat of this.#reporter.report(now)) {
      this.#opts.sink.record(stat);
      const labels = this.#revisions.get(`${stat.namespace}/${stat.revision}`)?.labels ?? { namespace: stat.namespace, revision: stat.revision, service: '', configuration: '' };
      this.metrics.recordConcurrency(labels, stat.averageConcurrentRequests);
    }
  }

  /**
   * Stops accepting, fails kubelet probes, lets requests in flight (held ones included)
   * finish until `deadlineMs`, then cuts what is left.
   */
  async close(deadlineMs = 0): Promise<void> {
    this.#draining = true;
    const closed = new Promise<void>((r) => this.#server.close(() => r()));
    this.#server.closeIdleConnections();
    if (this.#inFlight > 0 && deadlineMs > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadlineMs);
        this.#idle.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    this.#server.closeAllConnections();
    clearInterval(this.#timer);
    for (const [key, entry] of this.#revisions) entry.throttler.close(key);
    await closed;
    if (this.#metricsServer) {
      const m = this.#metricsServer;
      await new Promise<void>((r) => m.close(() => r()));
      m.closeAllConnections();
    }
    this.#agents.destroy();
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.#draining) res.setHeader('connection', 'close');
    const probe = answerProbe(req.headers, this.#draining);
    if (probe) {
      res.writeHead(probe.status, { ...(probe.body === '' ? {} : { 'content-type': 'text/plain; charset=utf-8' }), ...probe.headers });
      res.end(probe.body);
      return;
    }
    const id = revisionIdOf(req.headers);
    const entry = this.#revisions.get(`${id.namespace}/${id.name}`);
    if (!entry) return httpError(res, 404, revisionNotFoundMessage(id.name));
    void this.#serve(req, res, entry);
  }

  async #serve(req: http.IncomingMessage, res: http.ServerResponse, entry: RevisionEntry): Promise<void> {
    const finish = this.#track(entry);
    this.#noteHold(entry);
    const abort = new AbortController();
    const timeout = setTimeout(() => {
      // Upstream's timeout handler: 504 if nothing was written yet, else the connection is cut.
      if (!res.headersSent) httpError(res, 504, TIMEOUT_MESSAGE);
      else res.destroy();
      abort.abort(new Error(TIMEOUT_MESSAGE));
    }, entry.timeoutSeconds * 1_000);
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client went away'));
    });
    try {
      await entry.throttler.try(abort.signal, async (dest) => {
        let conn;
        try {
          conn = await podConnection(dest, this.caller);
        } catch (err) {
          // The mesh could not say how to reach the pod: as a proxy that cannot connect, 502.
          return httpError(res, 502, (err as Error).message);
        }
        return forward(req, res, {
          conn, agent: this.#agents.agentFor(conn), signal: abort.signal, proxyName: ACTIVATOR_NAME, fail: (status, text) => httpError(res, status, text),
        });
      });
    } catch (err) {
      if (err instanceof QueueFullError) httpError(res, 503, err.message);
      else if (!abort.signal.aborted) httpError(res, 503, (err as Error).message);
    } finally {
      clearTimeout(timeout);
      finish(res.statusCode);
    }
  }

  #noteHold(entry: RevisionEntry): void {
    if (this.#opts.onHold && entry.throttler.wouldWait()) this.#opts.onHold(entry.labels.namespace, entry.labels.revision);
  }

  /** Counts a request in (stats, drain) and returns what counts it out (with its metrics). */
  #track(entry: RevisionEntry): (status: number) => void {
    const started = Date.now();
    const handle = this.#reporter.requestIn(entry.labels.namespace, entry.labels.revision, started);
    this.#inFlight++;
    return (status) => {
      const now = Date.now();
      this.#reporter.requestOut(handle, now);
      this.metrics.recordRequest(entry.labels, status, now - started);
      this.#inFlight--;
      if (this.#inFlight === 0) for (const f of this.#idle.splice(0)) f();
    };
  }

  /** An Upgrade request (WebSocket): held and throttled like any request, then spliced to the pod. */
  #upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const id = revisionIdOf(req.headers);
    const entry = this.#revisions.get(`${id.namespace}/${id.name}`);
    const refuse = (status: string, text: string) => socket.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
    if (this.#draining) return void refuse('503 Service Unavailable', 'shutting down\n');
    if (!entry) return void refuse('404 Not Found', `${revisionNotFoundMessage(id.name)}\n`);
    const finish = this.#track(entry);
    this.#noteHold(entry);
    const abort = new AbortController();
    socket.once('close', () => abort.abort(new Error('client went away')));
    let status = 101;
    // The revision timeout bounds the wait for a pod, not the connection's life.
    const timeout = setTimeout(() => {
      status = 504;
      refuse('504 Gateway Timeout', `${TIMEOUT_MESSAGE}\n`);
      abort.abort(new Error(TIMEOUT_MESSAGE));
    }, entry.timeoutSeconds * 1_000);
    entry.throttler.try(abort.signal, (dest) => {
      clearTimeout(timeout);
      return podConnection(dest, this.caller).then(
        (conn) => tunnel(req, socket, head, conn, abort.signal, ACTIVATOR_NAME),
        (err: unknown) => {
          status = 502;
          refuse('502 Bad Gateway', `${(err as Error).message}\n`);
        },
      );
    }).catch((err: unknown) => {
      if (abort.signal.aborted) return;
      status = 503;
      refuse('503 Service Unavailable', `${(err as Error).message}\n`);
    }).finally(() => {
      clearTimeout(timeout);
      finish(status);
    });
  }
}

function listenOn(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** An address a client socket can bind (not the any-address a server may listen on). */
function isSpecificAddress(host: string): boolean {
  return host !== '' && host !== '0.0.0.0' && host !== '::';
}
