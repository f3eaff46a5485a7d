/**
 * Where a Knative component's metrics go (knative.dev/pkg metrics/config.go at Serving v1.15,
 * the OpenCensus era): config-observability's `metrics.backend-destination` — `prometheus`
 * (the default when the key is absent: an HTTP `/metrics` endpoint on the pod), `opencensus`
 * (pushed to a collector at `metrics.opencensus-address`), `stackdriver`, or `none`. Any
 * other value is rejected and the exporter in place is kept.
 *
 * The Prometheus port is the container's `METRICS_PROMETHEUS_PORT` (default 9090, 1024–65535),
 * not a ConfigMap key. OpenShift Serverless sets `metrics.backend-destination: none` when the
 * KnativeServing does not ask for prometheus, and with prometheus it puts a kube-rbac-proxy
 * beside each component: HTTPS on 8444 forwarding to 127.0.0.1:9090 (hence the seed's
 * "excludedPorts: 8444": the cluster's Prometheus is outside the mesh and brings its own TLS).
 */

export type MetricsBackend = 'prometheus' | 'opencensus' | 'stackdriver' | 'none';

export const CONFIG_OBSERVABILITY = 'config-observability';
export const BACKEND_DESTINATION_KEY = 'metrics.backend-destination';
export const DEFAULT_PROMETHEUS_PORT = 9090;

const BACKENDS: readonly MetricsBackend[] = ['prometheus', 'opencensus', 'stackdriver', 'none'];

/** The configured backend, or an error (knative.dev/pkg's message) for an unsupported value. */
export function metricsBackendOf(data: Readonly<Record<string, string>> | undefined): { backend: MetricsBackend } | { error: string } {
  const raw = data?.[BACKEND_DESTINATION_KEY];
  if (raw === undefined) return { backend: 'prometheus' };
  const backend = raw.toLowerCase() as MetricsBackend;
  return BACKENDS.includes(backend) ? { backend } : { error: `unsupported metrics backend value "${raw}"` };
}

/** The Prometheus port from the component's env, as knative.dev/pkg reads METRICS_PROMETHEUS_PORT. */
export function prometheusPortOf(env: ReadonlyArray<{ name: string; value?: string }> | undefined): number {
  const raw = env?.find((e) => e.name === 'METRICS_PROMETHEUS_PORT')?.value;
  if (raw === undefined || raw === '') return DEFAULT_PROMETHEUS_PORT;
  const port = Number(raw);
  return Number.isInteger(port) && port >= 1024 && port <= 65535 ? port : DEFAULT_PROMETHEUS_PORT;
}
