/**
 * The cluster-wide autoscaler configuration: `config-autoscaler` (knative/serving
 * pkg/autoscaler/config/config.go, defaultConfig + NewConfigFromMap + validate) and the one
 * key of `config-deployment` the KPA reads (`progress-deadline`, for the activation timeout).
 *
 * Durations are milliseconds. An invalid ConfigMap is rejected as a whole, as upstream's
 * configmap watcher rejects it; the caller keeps the defaults and reports the error.
 */
import { parseGoDuration } from '../../../api/schema/go-duration.ts';
import { parseGoFloat, parseGoInt } from '../../../api/knative/util/go-strconv.ts';
import { KPA_CLASS } from '../../../api/knative/serving/keys.ts';

export interface AutoscalerConfig {
  enableScaleToZero: boolean;
  /** Fraction (0, 1]: `container-concurrency-target-percentage` 70 reads as 0.7. */
  containerConcurrencyTargetFraction: number;
  containerConcurrencyTargetDefault: number;
  /** The utilisation for the rps metric (not configurable upstream, 0.7). */
  targetUtilization: number;
  rpsTargetDefault: number;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  /** 0: activator only at zero; -1: always in path. */
  targetBurstCapacity: number;
  panicWindowPercentage: number;
  activatorCapacity: number;
  panicThresholdPercentage: number;
  stableWindowMs: number;
  scaleToZeroGracePeriodMs: number;
  scaleToZeroPodRetentionPeriodMs: number;
  scaleDownDelayMs: number;
  podAutoscalerClass: string;
  allowZeroInitialScale: boolean;
  initialScale: number;
  minScale: number;
  maxScale: number;
  maxScaleLimit: number;
  /** config-deployment `progress-deadline` (600s). */
  progressDeadlineMs: number;
}

/** The smallest target a revision may have (autoscaling.TargetMin). */
export const TARGET_MIN = 0.01;
export const WINDOW_MIN_MS = 6_000;
export const WINDOW_MAX_MS = 3_600_000;

export function defaultAutoscalerConfig(): AutoscalerConfig {
  return {
    enableScaleToZero: true,
    containerConcurrencyTargetFraction: 0.7,
    containerConcurrencyTargetDefault: 100,
    targetUtilization: 0.7,
    rpsTargetDefault: 200,
    maxScaleUpRate: 1000,
    maxScaleDownRate: 2,
    // Prime so it is no multiple of 100 (activator flapping with min-scale=2, knative/serving#11926).
    targetBurstCapacity: 211,
    panicWindowPercentage: 10,
    activatorCapacity: 100,
    panicThresholdPercentage: 200,
    stableWindowMs: 60_000,
    scaleToZeroGracePeriodMs: 30_000,
    scaleToZeroPodRetentionPeriodMs: 0,
    scaleDownDelayMs: 0,
    podAutoscalerClass: KPA_CLASS,
    allowZeroInitialScale: false,
    initialScale: 1,
    minScale: 0,
    maxScale: 0,
    maxScaleLimit: 0,
    progressDeadlineMs: 600_000,
  };
}

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** Go duration → milliseconds (sub-millisecond parts kept as fractions). */
export function parseDurationMs(s: string): number | undefined {
  const ns = parseGoDuration(s);
  return ns === undefined ? undefined : Number(ns) / 1e6;
}

type Parsed = { config: AutoscalerConfig; error?: string };

/**
 * config-autoscaler `data` (and optionally config-deployment's) → the config; on any parse
 * or validation error the defaults and the error, worded as upstream.
 */
export function autoscalerConfigFromData(data: Readonly<Record<string, string>> = {}, deployment: Readonly<Record<string, string>> = {}): Parsed {
  const c = defaultAutoscalerConfig();
  const errors: string[] = [];
  const read = <T>(key: string, parse: (s: string) => T | undefined, set: (v: T) => void): void => {
    const raw = data[key];
    if (raw === undefined) return;
    const v = parse(raw.trim());
    if (v === undefined) errors.push(`failed to parse "${key}": ${JSON.stringify(raw)}`);
    else set(v);
  };
  const float = (s: string) => parseGoFloat(s);
  const int32 = (s: string) => { const p = parseGoInt(s, 32); return p.ok ? p.value : undefined; };
  read('pod-autoscaler-class', (s) => s, (v) => { c.podAutoscalerClass = v; });
  read('enable-scale-to-zero', parseGoBool, (v) => { c.enableScaleToZero = v; });
  read('allow-zero-initial-scale', parseGoBool, (v) => { c.allowZeroInitialScale = v; });
  read('max-scale-up-rate', float, (v) => { c.maxScaleUpRate = v; });
  read('max-scale-down-rate', float, (v) => { c.maxScaleDownRate = v; });
  read('container-concurrency-target-percentage', float, (v) => { c.containerConcurrencyTargetFraction = v; });
  read('container-concurrency-target-default', float, (v) => { c.containerConcurrencyTargetDefault = v; });
  read('requests-per-second-target-default', float, (v) => { c.rpsTargetDefault = v; });
  read('target-burst-capacity', float, (v) => { c.targetBurstCapacity = v; });
  read('panic-window-percentage', float, (v) => { c.panicWindowPercentage = v; });
  read('activator-capacity', float, (v) => { c.activatorCapacity = v; });
  read('panic-threshold-percentage', float, (v) => { c.panicThresholdPercentage = v; });
  read('initial-scale', int32, (v) => { c.initialScale = v; });
  read('min-scale', int32, (v) => { c.minScale = v; });
  read('max-scale', int32, (v) => { c.maxScale = v; });
  read('max-scale-limit', int32, (v) => { c.maxScaleLimit = v; });
  read('stable-window', parseDurationMs, (v) => { c.stableWindowMs = v; });
  read('scale-down-delay', parseDurationMs, (v) => { c.scaleDownDelayMs = v; });
  read('scale-to-zero-grace-period', parseDurationMs, (v) => { c.scaleToZeroGracePeriodMs = v; });
  read('scale-to-zero-pod-retention-period', parseDurationMs, (v) => { c.scaleToZeroPodRetentionPeriodMs = v; });
  const pd = deployment['progress-deadline'];
  if (pd !== undefined) {
    const v = parseDurationMs(pd.trim());
    if (v === undefined || v <= 0) errors.push(`progress-deadline ${JSON.stringify(pd)} must be a positive duration`);
    else c.progressDeadlineMs = v;
  }
  if (errors.length) return { config: defaultAutoscalerConfig(), error: errors.join('; ') };
  // Legacy: values in (0, 1] are already fractions.
  if (c.containerConcurrencyTargetFraction > 1) c.containerConcurrencyTargetFraction /= 100;
  const error = validate(c);
  return error ? { config: defaultAutoscalerConfig(), error } : { config: c };
}

const wholeSeconds = (ms: number): boolean => ms % 1000 === 0;

function validate(c: AutoscalerConfig): string | undefined {
  if (c.scaleToZeroGracePeriodMs <= 0) return `scale-to-zero-grace-period must be positive, was: ${c.scaleToZeroGracePeriodMs}ms`;
  if (c.scaleDownDelayMs < 0) return 'scale-down-delay cannot be negative';
  if (!wholeSeconds(c.scaleDownDelayMs)) return 'scale-down-delay must be specified with at most second precision';
  if (c.scaleToZeroPodRetentionPeriodMs < 0) return 'scale-to-zero-pod-retention-period cannot be negative';
  if (c.targetBurstCapacity < 0 && c.targetBurstCapacity !== -1) return `target-burst-capacity must be either non-negative or -1 (for unlimited), was: ${c.targetBurstCapacity}`;
  if (c.containerConcurrencyTargetFraction <= 0 || c.containerConcurrencyTargetFraction > 1) return 'container-concurrency-target-percentage is outside of valid range of (0, 100]';
  if (c.containerConcurrencyTargetFraction * c.containerConcurrencyTargetDefault < TARGET_MIN) return `container-concurrency-target-percentage and container-concurrency-target-default yield a target concurrency below ${TARGET_MIN}`;
  if (c.rpsTargetDefault < TARGET_MIN) return `requests-per-second-target-default must be at least ${TARGET_MIN}`;
  if (c.activatorCapacity < 1) return `activator-capacity = ${c.activatorCapacity}, must be at least 1`;
  if (c.maxScaleUpRate <= 1) return `max-scale-up-rate = ${c.maxScaleUpRate}, must be greater than 1.0`;
  if (c.maxScaleDownRate <= 1) return `max-scale-down-rate = ${c.maxScaleDownRate}, must be greater than 1.0`;
  if (c.stableWindowMs < WINDOW_MIN_MS || c.stableWindowMs > WINDOW_MAX_MS) return 'stable-window must be in [6s; 1h0m0s] range';
  if (!wholeSeconds(c.stableWindowMs)) return 'stable-window must be specified with at most second precision';
  if (c.panicWindowPercentage < 1 || c.panicWindowPercentage > 100) return `panic-window-percentage = ${c.panicWindowPercentage}, must be in [1, 100] interval`;
  if (c.initialScale < 0 || (c.initialScale === 0 && !c.allowZeroInitialScale)) return `initial-scale = ${c.initialScale}, must be at least 0 (or at least 1 when allow-zero-initial-scale is false)`;
  if (c.minScale < 0) return `min-scale = ${c.minScale}, must be at least 0`;
  const minMaxScale = c.maxScaleLimit > 0 ? 1 : 0;
  if (c.maxScale < minMaxScale || (c.maxScaleLimit > 0 && c.maxScale > c.maxScaleLimit)) return `max-scale = ${c.maxScale}, must be in [${minMaxScale}, max-scale-limit(${c.maxScaleLimit})] range`;
  if (c.maxScaleLimit < 0) return `max-scale-limit = ${c.maxScaleLimit}, must be at least 0`;
  if (c.minScale > c.maxScale && c.maxScale > 0) return `min-scale (${c.minScale}) must be less than max-scale (${c.maxScale})`;
  return undefined;
}
