/**
 * One revision's scaling spec: the cluster config overlaid with the PodAutoscaler's
 * annotations, containerConcurrency and reachability — what upstream spreads over
 * pa_lifecycle.go (the annotation getters, ScaleBounds), resources/target.go
 * (ResolveMetricTarget), resources/metric.go (windows), kpa/resources/decider.go
 * (MakeDecider, GetInitialScale) and kpa/scaler.go (retention, activation timeout).
 *
 * Annotations were validated by the webhook; a value that still does not parse is ignored
 * (the config value applies), as upstream's getters return ok=false.
 */
import type { KubeObject } from '../../../api/object.ts';
import { parseGoFloat, parseGoInt } from '../../../api/knative/util/go-strconv.ts';
import { AutoscalingAnnotations as A, KPA_CLASS, lookup, ServingAnnotations } from '../../../api/knative/serving/keys.ts';
import { type AutoscalerConfig, parseDurationMs, TARGET_MIN } from './config.ts';

export type ScalingMetric = 'concurrency' | 'rps';
export type Aggregation = 'linear' | 'weighted-exponential';

export interface PodAutoscalerLike extends KubeObject {
  spec?: { containerConcurrency?: number; reachability?: string; protocolType?: string; scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string } };
}

export interface RevisionScalingSpec {
  metric: ScalingMetric;
  /** Per-pod value the autoscaler aims for (total × utilisation, at least 0.01). */
  target: number;
  /** Per-pod maximum (containerConcurrency, the default, or the target annotation). */
  total: number;
  /** Fraction: 2.0 for 200%. */
  panicThreshold: number;
  stableWindowMs: number;
  panicWindowMs: number;
  aggregation: Aggregation;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  targetBurstCapacity: number;
  activatorCapacity: number;
  scaleDownDelayMs: number;
  initialScale: number;
  /** 0 when unset; otherwise ≥ 2 (validated). */
  activationScale: number;
  reachable: boolean;
  /** 0 = no bound. Min is 0 while unreachable. */
  minScale: number;
  maxScale: number;
  enableScaleToZero: boolean;
  scaleToZeroGracePeriodMs: number;
  /** 0 while unreachable. */
  lastPodRetentionMs: number;
  /** Progress deadline + 30 s: activating longer than this scales to zero (TimedOut). */
  activationTimeoutMs: number;
}

/** Upstream's activationTimeoutBuffer (kpa/scaler.go). */
export const ACTIVATION_TIMEOUT_BUFFER_MS = 30_000;
export const REACHABILITY_UNREACHABLE = 'Unreachable';

type Annotations = Readonly<Record<string, string>>;

function annotation<T>(m: Annotations, keys: readonly string[], parse: (s: string) => T | undefined): T | undefined {
  const { value, found } = lookup(m, keys);
  return found ? parse(value) : undefined;
}

const int32 = (s: string): number | undefined => { const p = parseGoInt(s, 32); return p.ok ? p.value : undefined; };
const float = (s: string): number | undefined => parseGoFloat(s);

export function paClass(pa: KubeObject): string {
  const { value, found } = lookup(pa.metadata.annotations ?? {}, A.class);
  // Upstream's Class(): an unannotated PodAutoscaler is the KPA's, for backward compatibility.
  return found ? value : KPA_CLASS;
}

/** min/max scale (pa.ScaleBounds): min is ignored while the revision is unreachable. */
export function scaleBounds(pa: PodAutoscalerLike, config: AutoscalerConfig): { min: number; max: number } {
  const m = pa.metadata.annotations ?? {};
  const min = pa.spec?.reachability === REACHABILITY_UNREACHABLE ? 0 : annotation(m, A.minScale, int32) ?? config.minScale;
  return { min, max: annotation(m, A.maxScale, int32) ?? config.maxScale };
}

/** GetInitialScale: the annotation unless absent, or 0 where the cluster forbids zero. */
export function initialScale(pa: PodAutoscalerLike, config: AutoscalerConfig): number {
  const v = annotation(pa.metadata.annotations ?? {}, A.initialScale, int32);
  if (v === undefined || (v === 0 && !config.allowZeroInitialScale)) return config.initialScale;
  return v;
}

/** The panic window: stable × percentage, rounded to whole seconds, at least one bucket. */
export function panicWindowMs(stableWindowMs: number, percentage: number): number {
  return Math.max(1000, Math.round((stableWindowMs * percentage) / 100 / 1000) * 1000);
}

/** ResolveMetricTarget. */
export function resolveTarget(pa: PodAutoscalerLike, config: AutoscalerConfig, metric: ScalingMetric): { target: number; total: number } {
  const m = pa.metadata.annotations ?? {};
  const cc = pa.spec?.containerConcurrency ?? 0;
  let total: number;
  let tu: number;
  if (metric === 'rps') {
    total = config.rpsTargetDefault;
    tu = config.targetUtilization;
  } else {
    total = cc === 0 ? config.containerConcurrencyTargetDefault : cc;
    tu = config.containerConcurrencyTargetFraction;
  }
  const annotated = annotation(m, A.target, float);
  if (annotated !== undefined) {
    // Never aim above what the container can take.
    total = metric === 'concurrency' && cc !== 0 ? Math.min(annotated, cc) : annotated;
  }
  const utilisation = annotation(m, A.targetUtilizationPercentage, float);
  if (utilisation !== undefined) tu = utilisation / 100;
  return { target: Math.max(TARGET_MIN, total * tu), total };
}

export function revisionScalingSpec(pa: PodAutoscalerLike, config: AutoscalerConfig): RevisionScalingSpec {
  const m = pa.metadata.annotations ?? {};
  const metric: ScalingMetric = lookup(m, A.metric).value === 'rps' ? 'rps' : 'concurrency';
  const { target, total } = resolveTarget(pa, config, metric);
  const reachable = pa.spec?.reachability !== REACHABILITY_UNREACHABLE;
  const stableWindowMs = annotation(m, A.window, parseDurationMs) ?? config.stableWindowMs;
  const algorithm = lookup(m, A.metricAggregationAlgorithm).value;
  const { min, max } = scaleBounds(pa, config);
  const progressDeadlineMs = annotation(m, ServingAnnotations.progressDeadline, parseDurationMs) ?? config.progressDeadlineMs;
  return {
    metric,
    target,
    total,
    panicThreshold: (annotation(m, A.panicThresholdPercentage, float) ?? config.panicThresholdPercentage) / 100,
    stableWindowMs,
    panicWindowMs: panicWindowMs(stableWindowMs, annotation(m, A.panicWindowPercentage, float) ?? config.panicWindowPercentage),
    aggregation: algorithm === 'weighted-exponential' || algorithm === 'weightedExponential' ? 'weighted-exponential' : 'linear',
    maxScaleUpRate: config.maxScaleUpRate,
    maxScaleDownRate: config.maxScaleDownRate,
    targetBurstCapacity: annotation(m, A.targetBurstCapacity, float) ?? config.targetBurstCapacity,
    activatorCapacity: config.activatorCapacity,
    scaleDownDelayMs: annotation(m, A.scaleDownDelay, parseDurationMs) ?? config.scaleDownDelayMs,
    initialScale: initialScale(pa, config),
    activationScale: annotation(m, A.activationScale, int32) ?? 0,
    reachable,
    minScale: min,
    maxScale: max,
    enableScaleToZero: config.enableScaleToZero,
    scaleToZeroGracePeriodMs: config.scaleToZeroGracePeriodMs,
    lastPodRetentionMs: reachable ? annotation(m, A.scaleToZeroPodRetentionPeriod, parseDurationMs) ?? config.scaleToZeroPodRetentionPeriodMs : 0,
    activationTimeoutMs: progressDeadlineMs + ACTIVATION_TIMEOUT_BUFFER_MS,
  };
}
