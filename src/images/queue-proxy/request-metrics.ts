/**
 * Knative's request metrics on :9091 `/metrics` (pkg/queue/request_metric.go, exported through
 * OpenCensus' Prometheus exporter with the `revision` component): what reached the
 * queue-proxy (`revision_request_count`, `revision_request_latencies`, with the route tag) and
 * what reached the user container (`revision_app_request_count`,
 * `revision_app_request_latencies`, `revision_queue_depth` when a breaker is set). Probes are
 * not counted. Each queue-proxy instance has its own metrics: many share one Node process
 * in skiff.
 *
 * Recording is on every request's path, so it is plain counting into per-series arrays
 * (found by response code and route tag); the Prometheus text is built only when scraped.
 * A metrics library would hash the whole label set on every observation.
 */
import { renderMetrics, type MetricFamily } from './prometheus-text.ts';

/** Upstream defaultLatencyDistribution, in milliseconds. */
export const LATENCY_BUCKETS_MS = [5, 10, 20, 40, 60, 80, 100, 150, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

export interface RevisionIdentity {
  namespace: string;
  service: string;
  configuration: string;
  revision: string;
  pod: string;
}

/** One label set's counter and latency histogram (per-bucket counts, not cumulative). */
export interface Series {
  /** Rendered label pairs after `le` (`name="value",…`). */
  readonly labels: string;
  count: number;
  sum: number;
  readonly buckets: number[];
}

export class RequestMetrics {
  readonly #base: string;
  /** By `<status> <route tag>`. */
  readonly #requestSeries = new Map<string, Series>();
  readonly #appSeries = new Map<number, Series>();
  #queueDepth: number | undefined;

  constructor(id: RevisionIdentity) {
    this.#base = labelText([
      ['namespace_name', id.namespace],
      ['service_name', id.service || 'unknown'],
      ['configuration_name', id.configuration],
      ['revision_name', id.revision],
      ['pod_name', id.pod],
      ['container_name', 'queue-proxy'],
    ]);
  }

  /** A request the queue-proxy answered (latency in whole milliseconds, as upstream records it). */
  request(status: number, latencyMs: number, routeTag: string): void {
    const key = `${status} ${routeTag}`;
    let series = this.#requestSeries.get(key);
    if (!series) {
      series = newSeries(`${this.#base},${labelText([['response_code', String(status)], ['response_code_class', codeClass(status)], ['route_tag', routeTag]])}`);
      this.#requestSeries.set(key, series);
    }
    observe(series, latencyMs);
  }

  /** A request that reached the user container. */
  appRequest(status: number, latencyMs: number): void {
    let series = this.#appSeries.get(status);
    if (!series) {
      series = newSeries(`${this.#base},${labelText([['response_code', String(status)], ['response_code_class', codeClass(status)]])}`);
      this.#appSeries.set(status, series);
    }
    observe(series, latencyMs);
  }

  /** Requests running or waiting in the breaker when a request reaches the app handler. */
  queueDepth(depth: number): void {
    this.#queueDepth = depth;
  }

  /** The Prometheus text exposition, as prom-client's registry renders it. */
  render(): Promise<string> {
    const requests = [...this.#requestSeries.values()];
    const apps = [...this.#appSeries.values()];
    const families: MetricFamily[] = [
      { name: 'revision_request_count', help: 'The number of requests that are routed to queue-proxy', type: 'counter', series: requests },
      { name: 'revision_request_latencies', help: 'The response time in millisecond', type: 'histogram', series: requests, buckets: LATENCY_BUCKETS_MS },
      { name: 'revision_app_request_count', help: 'The number of requests that are routed to user-container', type: 'counter', series: apps },
      { name: 'revision_app_request_latencies', help: 'The response time in millisecond', type: 'histogram', series: apps, buckets: LATENCY_BUCKETS_MS },
      { name: 'revision_queue_depth', help: 'The number of items queued at this queue proxy.', type: 'gauge', gauge: this.#queueDepth === undefined ? undefined : { labels: this.#base, value: this.#queueDepth } },
    ];
    return Promise.resolve(renderMetrics(families));
  }
}

function newSeries(labels: string): Series {
  return { labels, count: 0, sum: 0, buckets: new Array<number>(LATENCY_BUCKETS_MS.length).fill(0) };
}

/** Counts one latency: whole milliseconds into the first bucket whose bound holds it (none: only +Inf). */
function observe(series: Series, latencyMs: number): void {
  const ms = Math.floor(latencyMs);
  series.count++;
  series.sum += ms;
  const bounds = LATENCY_BUCKETS_MS;
  for (let i = 0; i < bounds.length; i++) {
    if (ms <= bounds[i]!) {
      series.buckets[i]!++;
      return;
    }
  }
}

function labelText(pairs: Array<[string, string]>): string {
  return pairs.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',');
}

/** Prometheus label value escaping: backslash, double quote, newline. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
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
