/**
 * The autoscaler's Prometheus endpoint in `skiff up`: the KPA runs in skiff's main process, so
 * the figures a scraper expects on the `autoscaler` pod's :9090 (`autoscaler_desired_pods`,
 * …) live here, not in the pod's placeholder program (which keeps only its 8080 probes). For
 * every running autoscaler pod in knative-serving (label app=autoscaler) this serves
 * `/metrics` on the pod's own IP, as the activator data plane does for the activator's ports —
 * on its inner address when the pod is meshed, behind its sidecar (pod-app-address.ts).
 *
 * config-observability's `metrics.backend-destination` is honoured as the component's
 * exporter would: `prometheus` (or no key) opens the port, `none`/`opencensus`/`stackdriver`
 * close it, an unsupported value keeps what is in place. The port is the autoscaler
 * container's METRICS_PROMETHEUS_PORT (default 9090).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPodActive, podIPv4, type Pod } from '../api/builtin/core/pod-readiness.ts';
import type { KubeObject } from '../api/object.ts';
import { Informer } from '../client/informer.ts';
import type { Client } from '../client/types.ts';
import { CONFIG_OBSERVABILITY, type MetricsBackend, metricsBackendOf, prometheusPortOf } from '../controllers/serving/autoscaler/metrics-backend.ts';
import { KINDS, SERVING_NAMESPACE } from '../controllers/serving/shared/contracts.ts';
import type { Logger } from '../util/log.ts';
import { PodAppAddresses } from './pod-app-address.ts';

export const AUTOSCALER_LABEL_SELECTOR = 'app=autoscaler';
const DEBOUNCE_MS = 10;
/** A port still held by the pod's old program (or anyone) is tried again this often. */
const RETRY_MS = 2_000;

export interface MetricsSource {
  render(): Promise<string>;
  readonly contentType: string;
}

export interface AutoscalerMetricsOptions {
  /** Tests: a port other than the pod's METRICS_PROMETHEUS_PORT (0 = any free port). */
  port?: number;
}

export interface RunningAutoscalerMetrics {
  stop(): Promise<void>;
  /** Resolves once the latest change has been applied (tests). */
  settled(): Promise<void>;
  /** The endpoints being served (tests, status). */
  endpoints(): Array<{ pod: string; address: string; port: number }>;
}

interface Endpoint {
  address: string;
  wantedPort: number;
  server: Server;
  listening: Promise<boolean>;
}

type ConfigMap = KubeObject & { data?: Record<string, string> };

export async function startAutoscalerMetrics(client: Client, log: Logger, source: MetricsSource, opts: AutoscalerMetricsOptions = {}): Promise<RunningAutoscalerMetrics> {
  const pods = new Informer<Pod>(client, KINDS.pod, { namespace: SERVING_NAMESPACE, labelSelector: AUTOSCALER_LABEL_SELECTOR }, log);
  const appAddresses = new PodAppAddresses(client, log);
  const configMaps = new Informer<ConfigMap>(client, KINDS.configMap, { namespace: SERVING_NAMESPACE }, log);
  const endpoints = new Map<string, Endpoint>();
  let backend: MetricsBackend = 'prometheus';
  let lastError = '';
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if ((req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    source.render().then(
      (text) => res.writeHead(200, { 'Content-Type': source.contentType }).end(text),
      (err: unknown) => {
        log.warn({ err }, 'autoscaler metrics: render failed');
        res.writeHead(500).end();
      },
    );
  };

  const close = async (key: string, ep: Endpoint) => {
    endpoints.delete(key);
    await new Promise<void>((resolve) => ep.server.close(() => resolve()));
    ep.server.closeAllConnections();
  };

  const open = (key: string, address: string, wantedPort: number) => {
    const server = createServer(handler);
    const ep: Endpoint = { address, wantedPort, server, listening: Promise.resolve(false) };
    ep.listening = new Promise<boolean>((resolve) => {
      server.once('error', (err: Error) => {
        log.warn({ err, pod: key, address, port: wantedPort }, 'autoscaler metrics: cannot listen on the pod address; retrying');
        if (endpoints.get(key) === ep) endpoints.delete(key);
        setTimeout(changed, RETRY_MS).unref();
        resolve(false);
      });
      server.listen(opts.port ?? wantedPort, address, () => {
        log.info({ pod: key, address, port: (server.address() as AddressInfo).port }, 'autoscaler metrics listening');
        resolve(true);
      });
    });
    endpoints.set(key, ep);
  };

  const reconcile = async () => {
    const cm = configMaps.get(`${SERVING_NAMESPACE}/${CONFIG_OBSERVABILITY}`);
    const parsed = metricsBackendOf(cm?.data);
    if ('error' in parsed) {
      if (parsed.error !== lastError) log.warn({ error: parsed.error }, 'config-observability rejected; keeping the metrics backend in place');
      lastError = parsed.error;
    } else {
      lastError = '';
      backend = parsed.backend;
    }
    const wanted = new Map<string, { address: string; port: number }>();
    if (backend === 'prometheus') {
      for (const pod of pods.list()) {
        const podIP = podIPv4(pod);
        if (!isPodActive(pod) || pod.status?.phase !== 'Running' || podIP === '') continue;
        const address = appAddresses.of(pod, podIP);
        // The component's own container: an injected istio-proxy may stand beside it.
        const containers = (pod.spec?.containers ?? []) as Array<{ name?: string; env?: Array<{ name: string; value?: string }> }>;
        const container = containers.find((c) => c.name === 'autoscaler') ?? containers[0];
        wanted.set(`${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}`, { address, port: prometheusPortOf(container?.env) });
      }
    }
    for (const [key, ep] of [...endpoints]) {
      const w = wanted.get(key);
      if (!w || w.address !== ep.address || w.port !== ep.wantedPort) await close(key, ep);
    }
    for (const [key, w] of wanted) if (!endpoints.has(key)) open(key, w.address, w.port);
  };

  const run = () => {
    timer = undefined;
    if (stopped) return;
    running = running.then(reconcile).catch((err: unknown) => log.error({ err }, 'autoscaler metrics reconcile failed'));
  };
  function changed(): void {
    if (!stopped && !timer) timer = setTimeout(run, DEBOUNCE_MS);
  }
  const handlers = { add: changed, update: changed, delete: changed };
  for (const informer of [pods, configMaps] as Informer<KubeObject>[]) {
    informer.addHandlers(handlers);
    await informer.start();
  }
  await appAddresses.start(changed);
  run();

  return {
    endpoints: () => [...endpoints.entries()].filter(([, ep]) => ep.server.listening).map(([key, ep]) => ({
      pod: key.split('/').slice(0, 2).join('/'), address: ep.address, port: (ep.server.address() as AddressInfo).port,
    })),
    settled: async () => {
      if (timer) {
        clearTimeout(timer);
        run();
      }
      await running;
      await Promise.all([...endpoints.values()].map((ep) => ep.listening));
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      pods.stop();
      configMaps.stop();
      appAddresses.stop();
      await running;
      await Promise.all([...endpoints.entries()].map(([key, ep]) => close(key, ep)));
    },
  };
}
