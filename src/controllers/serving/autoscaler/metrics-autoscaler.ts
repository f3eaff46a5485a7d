/**
 * The autoscaler's Prometheus metrics, as its OpenCensus views rendered them before the
 * OpenTelemetry move (knative/serving v1.15): the decider's figures
 * (pkg/autoscaler/scaling/stats_reporter.go: desired_pods, excess_burst_capacity, the stable
 * and panic averages and the per-pod target — concurrency or requests per second, whichever
 * metric the revision scales on —, panic_mode) and the KPA reconciler's pod counts
 * (pkg/reconciler/autoscaling/kpa/metrics.go: requested/actual/not_ready/pending/terminating
 * pods). Each is prefixed `autoscaler_` (the component is the Prometheus namespace) and carries
 * the revision's namespace_name, service_name, configuration_name and revision_name.
 *
 * The values are not pushed: `render` reads the running deciders and PodAutoscalers at
 * scrape time, so a revision's series vanish with it (upstream's last-value views kept them
 * until the process restarted; a scraper cannot tell the difference while it lives).
 */
import { Gauge, Registry } from 'prom-client';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import type { Observed } from './decider.ts';
import type { PodCounts } from './pods.ts';
import type { PodAutoscaler } from './reconcile.ts';
import type { RevisionScaler } from './revision-scaler.ts';
import type { ScalingMetric } from './spec.ts';

const REVISION_LABELS = ['namespace_name', 'service_name', 'configuration_name', 'revision_name'] as const;
type RevisionLabel = (typeof REVISION_LABELS)[number];
type Labels = Record<RevisionLabel, string>;

/** What the metrics of one revision are made of, read from the autoscaler's live state. */
export interface RevisionMetricsInput {
  labels: Labels;
  /** The decider's latest figures; absent before its first decision. */
  decider?: {
    metric: ScalingMetric;
    desiredPods: number;
    excessBurstCapacity: number;
    observed: Observed;
    target: number;
    panicking: boolean;
  };
  /** The PodAutoscaler's requested scale (status.desiredScale, when known) and the pod counts. */
  requestedPods?: number;
  counts: PodCounts;
}

export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

/** OpenCensus exported an empty tag value as "unknown" (metricskey.ValueUnknown). */
const orUnknown = (v: string | undefined): string => (v ? v : 'unknown');

/** A PodAutoscaler's revision labels: the revision is its name, the rest come from its labels. */
export function revisionLabelsOf(pa: PodAutoscaler): Labels {
  const labels = pa.metadata.labels ?? {};
  return {
    namespace_name: orUnknown(pa.metadata.namespace),
    service_name: orUnknown(labels[ServingLabels.service]),
    configuration_name: orUnknown(labels[ServingLabels.configuration]),
    revision_name: orUnknown(pa.metadata.name),
  };
}

/** One revision's input, from its PodAutoscaler, its running decider (if any) and its pods. */
export function revisionMetricsInput(pa: PodAutoscaler, scaler: RevisionScaler | undefined, counts: PodCounts): RevisionMetricsInput {
  const input: RevisionMetricsInput = { labels: revisionLabelsOf(pa), counts };
  const requested = pa.status?.desiredScale;
  if (typeof requested === 'number' && requested >= 0) input.requestedPods = requested;
  // Upstream reports the decider's figures only once it has decided (no data: no report).
  if (scaler && scaler.decision.desiredScale >= 0 && scaler.observed) {
    input.decider = {
      metric: scaler.spec.metric,
      desiredPods: scaler.decision.desiredScale,
      excessBurstCapacity: scaler.decision.excessBurstCapacity,
      observed: scaler.observed,
      target: scaler.spec.target,
      panicking: scaler.panicking,
    };
  }
  return input;
}

/** The samples of every revision, by metric name without the `autoscaler_` prefix. */
export function autoscalerSamples(inputs: readonly RevisionMetricsInput[]): Sample[] {
  const out: Sample[] = [];
  for (const { labels, decider, requestedPods, counts } of inputs) {
    const add = (name: string, value: number) => out.push({ name, labels, value });
    if (decider) {
      add('desired_pods', decider.desiredPods);
      add('excess_burst_capacity', decider.excessBurstCapacity);
      if (decider.metric === 'rps') {
        add('stable_requests_per_second', decider.observed.stable);
        add('panic_requests_per_second', decider.observed.panic);
        add('target_requests_per_second', decider.target);
      } else {
        add('stable_request_concurrency', decider.observed.stable);
        add('panic_request_concurrency', decider.observed.panic);
        add('target_concurrency_per_pod', decider.target);
      }
      add('panic_mode', decider.panicking ? 1 : 0);
    }
    if (requestedPods !== undefined) add('requested_pods', requestedPods);
    add('actual_pods', counts.ready);
    add('not_ready_pods', counts.notReady);
    add('pending_pods', counts.pending);
    add('terminating_pods', counts.terminating);
  }
  return out;
}

/** The views' descriptions (stats_reporter.go, kpa/metrics.go). */
const HELP: Readonly<Record<string, string>> = {
  desired_pods: 'Number of pods autoscaler wants to allocate',
  excess_burst_capacity: 'Current excess burst capacity over average request count over the stable window',
  stable_request_concurrency: 'Average of requests count over the stable window',
  panic_request_concurrency: 'Average of requests count over the panic window',
  target_concurrency_per_pod: 'The desired number of concurrent requests for each pod',
  stable_requests_per_second: 'Average requests-per-second over the stable window',
  panic_requests_per_second: 'Average requests-per-second over the panic window',
  target_requests_per_second: 'The desired requests-per-second for each pod',
  panic_mode: '1 if autoscaler is in panic mode, 0 otherwise',
  requested_pods: 'Number of pods autoscaler requested from Kubernetes',
  actual_pods: 'Number of pods that are allocated currently',
  not_ready_pods: 'Number of pods that are not ready currently',
  pending_pods: 'Number of pods that are pending currently',
  terminating_pods: 'Number of pods that are terminating currently',
};

export const AUTOSCALER_METRIC_NAMES: readonly string[] = Object.keys(HELP);

/** A prom-client registry filled from a snapshot of the autoscaler at each scrape. */
export class AutoscalerMetrics {
  readonly registry = new Registry();
  readonly #gauges = new Map<string, Gauge<RevisionLabel>>();
  readonly #snapshot: () => RevisionMetricsInput[];

  constructor(snapshot: () => RevisionMetricsInput[]) {
    this.#snapshot = snapshot;
    for (const [name, help] of Object.entries(HELP)) {
      this.#gauges.set(name, new Gauge({ name: `autoscaler_${name}`, help, labelNames: REVISION_LABELS, registers: [this.registry] }));
    }
  }

  /** The Prometheus text of the autoscaler's state right now. */
  async render(): Promise<string> {
    for (const gauge of this.#gauges.values()) gauge.reset();
    for (const s of autoscalerSamples(this.#snapshot())) this.#gauges.get(s.name)?.set(s.labels, s.value);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
