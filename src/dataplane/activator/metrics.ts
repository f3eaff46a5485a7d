/**
 * The activator's Prometheus metrics, as its OpenCensus views rendered them before the
 * OpenTelemetry move (knative/serving pkg/activator/handler/metrics.go at v1.15): names
 * prefixed with the component, labels of the knative_revision resource plus pod and
 * container, and the response code on the per-request ones.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** defaultLatencyDistribution, milliseconds. */
export const LATENCY_BUCKETS_MS = [5, 10, 20, 40, 60, 80, 100, 150, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

const REVISION_LABELS = ['namespace_name', 'service_name', 'configuration_name', 'revision_name', 'pod_name', 'container_name'] as const;
const RESPONSE_LABELS = [...REVISION_LABELS, 'response_code', 'response_code_class'] as const;

export interface RevisionLabels {
  namespace: string;
  service: string;
  configuration: string;
  revision: string;
}

export class ActivatorMetrics {
  readonly registry = new Registry();
  readonly #podName: string;
  readonly #count: Counter<(typeof RESPONSE_LABELS)[number]>;
  readonly #latency: Histogram<(typeof RESPONSE_LABELS)[number]>;
  readonly #concurrency: Gauge<(typeof REVISION_LABELS)[number]>;

  constructor(podName: string) {
    this.#podName = podName;
    const registers = [this.registry];
    this.#count = new Counter({ name: 'activator_request_count', help: 'The number of requests that are routed to Activator', labelNames: RESPONSE_LABELS, registers });
    this.#latency = new Histogram({ name: 'activator_request_latencies', help: 'The response time in millisecond', labelNames: RESPONSE_LABELS, buckets: LATENCY_BUCKETS_MS, registers });
    this.#concurrency = new Gauge({ name: 'activator_request_concurrency', help: 'Concurrent requests that are routed to Activator', labelNames: REVISION_LABELS, registers });
  }

  #labels(rev: RevisionLabels) {
    // OpenCensus exported empty tag values as "unknown" (metrics.PodRevisionContext).
    const v = (s: string) => (s === '' ? 'unknown' : s);
    return {
      namespace_name: v(rev.namespace), service_name: v(rev.service), configuration_name: v(rev.configuration),
      revision_name: v(rev.revision), pod_name: this.#podName, container_name: 'activator',
    };
  }

  recordRequest(rev: RevisionLabels, status: number, latencyMs: number): void {
    const labels = { ...this.#labels(rev), response_code: String(status), response_code_class: `${Math.floor(status / 100)}xx` };
    this.#count.inc(labels);
    this.#latency.observe(labels, latencyMs);
  }

  recordConcurrency(rev: RevisionLabels, concurrency: number): void {
    this.#concurrency.set(this.#labels(rev), concurrency);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
