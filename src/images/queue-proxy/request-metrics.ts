/**
 * Knative's request metrics on :9091 `/metrics` (pkg/queue/request_metric.go, exported through
 * OpenCensus' Prometheus exporter with the `revision` component): what reached the
 * queue-proxy (`revision_request_count`, `revision_request_latencies`, with the route tag) and
 * what reached the user container (`revision_app_request_count`,
 * `revision_app_request_latencies`, `revision_queue_depth` when a breaker is set). Probes are
 * not counted. Each queue-proxy instance has its own registry: many share one Node process
 * in skiff.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Upstream defaultLatencyDistribution, in milliseconds. */
export const LATENCY_BUCKETS_MS = [5, 10, 20, 40, 60, 80, 100, 150, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

export interface RevisionIdentity {
  namespace: string;
  service: string;
  configuration: string;
  revision: string;
  pod: string;
}

const RESOURCE_LABELS = ['namespace_name', 'service_name', 'configuration_name', 'revision_name', 'pod_name', 'container_name'] as const;
const RESPONSE_LABELS = [...RESOURCE_LABELS, 'response_code', 'response_code_class'] as const;
const ROUTED_LABELS = [...RESPONSE_LABELS, 'route_tag'] as const;

interface Series {
  count: { inc(): void };
  latencies: { observe(value: number): void };
}

export class RequestMetrics {
  readonly registry = new Registry();
  readonly #base: Record<(typeof RESOURCE_LABELS)[number], string>;
  readonly #requestCount: Counter<(typeof ROUTED_LABELS)[number]>;
  readonly #requestLatencies: Histogram<(typeof ROUTED_LABELS)[number]>;
  readonly #appRequestCount: Counter<(typeof RESPONSE_LABELS)[number]>;
  readonly #appRequestLatencies: Histogram<(typeof RESPONSE_LABELS)[number]>;
  readonly #queueDepth: Gauge<(typeof RESOURCE_LABELS)[number]>;
  /** Bound series per response code (and route tag): prom-client hashes a label set on every call otherwise. */
  readonly #requestSeries = new Map<string, Series>();
  readonly #appSeries = new Map<number, Series>();

  constructor(id: RevisionIdentity) {
    this.#base = {
      namespace_name: id.namespace,
      service_name: id.service || 'unknown',
      configuration_name: id.configuration,
      revision_name: id.revision,
      pod_name: id.pod,
      container_name: 'queue-proxy',
    };
    const registers = [this.registry];
    this.#requestCount = new Counter({ name: 'revision_request_count', help: 'The number of requests that are routed to queue-proxy', labelNames: ROUTED_LABELS, registers });
    this.#requestLatencies = new Histogram({ name: 'revision_request_latencies', help: 'The response time in millisecond', labelNames: ROUTED_LABELS, buckets: LATENCY_BUCKETS_MS, registers });
    this.#appRequestCount = new Counter({ name: 'revision_app_request_count', help: 'The number of requests that are routed to user-container', labelNames: RESPONSE_LABELS, registers });
    this.#appRequestLatencies = new Histogram({ name: 'revision_app_request_latencies', help: 'The response time in millisecond', labelNames: RESPONSE_LABELS, buckets: LATENCY_BUCKETS_MS, registers });
    this.#queueDepth = new Gauge({ name: 'revision_queue_depth', help: 'The number of items queued at this queue proxy.', labelNames: RESOURCE_LABELS, registers });
  }

  /** A request the queue-proxy answered (latency in whole milliseconds, as upstream records it). */
  request(status: number, latencyMs: number, routeTag: string): void {
    const key = `${status} ${routeTag}`;
    let series = this.#requestSeries.get(key);
    if (!series) {
      const labels = { ...this.#base, response_code: String(status), response_code_class: codeClass(status), route_tag: routeTag };
      series = { count: this.#requestCount.labels(labels), latencies: this.#requestLatencies.labels(labels) };
      this.#requestSeries.set(key, series);
    }
    series.count.inc();
    series.latencies.observe(Math.floor(latencyMs));
  }

  /** A request that reached the user container. */
  appRequest(status: number, latencyMs: number): void {
    let series = this.#appSeries.get(status);
    if (!series) {
      const labels = { ...this.#base, response_code: String(status), response_code_class: codeClass(status) };
      series = { count: this.#appRequestCount.labels(labels), latencies: this.#appRequestLatencies.labels(labels) };
      this.#appSeries.set(status, series);
    }
    series.count.inc();
    series.latencies.observe(Math.floor(latencyMs));
  }

  /** Requests running or waiting in the breaker when a request reaches the app handler. */
  queueDepth(depth: number): void {
    this.#queueDepth.set(this.#base, depth);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

function codeClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/**
 * The `route_tag` label (GetRouteTagNameFromRequest): DISABLED without tag routing headers,
 * DEFAULT on the default route, UNDEFINED for a tag sent to the default route, else the tag.
 */
export function routeTagOf(tag: string | undefined, defaultRoute: string | undefined): string {
  if (!tag) return defaultRoute ? 'DEFAULT' : 'DISABLED';
  return defaultRoute === 'true' ? 'UNDEFINED' : tag;
}
