/**
 * Validation of the per-revision autoscaling annotations (knative/serving
 * pkg/apis/autoscaling/annotation_validation.go): class, min/max/initial/activation scale,
 * target, utilisation, burst capacity, window, panic settings, scale-down delay, retention
 * and metric, each with Knative's own message.
 */
import type { AutoscalerDefaults } from '../config.ts';
import type { KnFieldError } from '../field-error.ts';
import { kn, NONE } from '../field-errors.ts';
import { formatGoDuration, HOUR, parseGoDuration, SECOND } from '../../schema/go-duration.ts';
import { goFloat, parseGoFloat, parseGoInt } from '../util/go-strconv.ts';
import { AutoscalingAnnotations as A, HPA_CLASS, KPA_CLASS, lookup } from './keys.ts';

type Annotations = Readonly<Record<string, string>>;

const MAX_INT32 = 2147483647;
const WINDOW_MIN = 6n * SECOND;
const WINDOW_MAX = HOUR;

function intGE0(m: Annotations, keys: readonly string[]): { value: number; err: KnFieldError } {
  const { key, value, found } = lookup(m, keys);
  if (!found) return { value: 0, err: NONE };
  const parsed = parseGoInt(value, 32);
  if (!parsed.ok) return { value: 0, err: parsed.range ? kn.outOfBounds(value, 0, MAX_INT32, key) : kn.invalidValue(value, key) };
  if (parsed.value < 0) return { value: 0, err: kn.outOfBounds(value, 0, MAX_INT32, key) };
  return { value: parsed.value, err: NONE };
}

function validateClass(m: Annotations): KnFieldError {
  const { key, value, found } = lookup(m, A.class);
  if (found && value.endsWith('.knative.dev') && value !== KPA_CLASS && value !== HPA_CLASS) return kn.invalidValue(value, key);
  return NONE;
}

function validateAlgorithm(m: Annotations): KnFieldError {
  // Custom autoscalers may define their own algorithms: only the KPA's are checked.
  if (lookup(m, A.class).value !== KPA_CLASS) return NONE;
  const { key, value } = lookup(m, A.metricAggregationAlgorithm);
  if (value === '' || ['linear', 'weighted-exponential', 'weightedExponential'].includes(value)) return NONE;
  return kn.invalidValue(value, key);
}

function validateFloats(m: Annotations): KnFieldError {
  let errs = NONE;
  const pw = lookup(m, A.panicWindowPercentage);
  if (pw.found) {
    const f = parseGoFloat(pw.value);
    if (f === undefined) errs = errs.also(kn.invalidValue(pw.value, pw.key));
    // Knative replaces (rather than adds to) the errors here; kept as written upstream.
    else if (f < 1 || f > 100) errs = kn.outOfBounds(pw.value, goFloat(1), goFloat(100), pw.key);
  }
  const pt = lookup(m, A.panicThresholdPercentage);
  if (pt.found) {
    const f = parseGoFloat(pt.value);
    if (f === undefined) errs = errs.also(kn.invalidValue(pt.value, pt.key));
    else if (f < 110 || f > 1000) errs = errs.also(kn.outOfBounds(pt.value, goFloat(110), goFloat(1000), pt.key));
  }
  const t = lookup(m, A.target);
  if (t.found) {
    const f = parseGoFloat(t.value);
    if (f === undefined) errs = errs.also(kn.invalidValue(t.value, t.key));
    else if (f < 0.01) errs = errs.also(kn.generic(`target ${t.value} should be at least ${goFloat(0.01)}`, t.key));
  }
  const tu = lookup(m, A.targetUtilizationPercentage);
  if (tu.found) {
    const f = parseGoFloat(tu.value);
    if (f === undefined) errs = errs.also(kn.invalidValue(tu.value, tu.key));
    else if (f < 1 || f > 100) errs = errs.also(kn.outOfBounds(tu.value, 1, 100, tu.key));
  }
  const tbc = lookup(m, A.targetBurstCapacity);
  if (tbc.found) {
    const f = parseGoFloat(tbc.value);
    if (f === undefined || (f < 0 && f !== -1)) errs = errs.also(kn.invalidValue(tbc.value, tbc.key));
  }
  return errs;
}

function validateScaleDownDelay(m: Annotations): KnFieldError {
  const { key, value, found } = lookup(m, A.scaleDownDelay);
  if (!found) return NONE;
  const d = parseGoDuration(value);
  if (d === undefined) return kn.invalidValue(value, key);
  if (d < 0n || d > WINDOW_MAX) return kn.outOfBounds(value, formatGoDuration(0n), formatGoDuration(WINDOW_MAX), key);
  if (d % SECOND !== 0n) return kn.generic('must be specified with at most second precision', key);
  return NONE;
}

function validateLastPodRetention(m: Annotations): KnFieldError {
  const { key, value, found } = lookup(m, A.scaleToZeroPodRetentionPeriod);
  if (!found) return NONE;
  const d = parseGoDuration(value);
  if (d === undefined) return kn.invalidValue(value, key);
  if (d < 0n || d > WINDOW_MAX) return kn.outOfBounds(value, formatGoDuration(0n), formatGoDuration(WINDOW_MAX), key);
  return NONE;
}

function validateWindow(m: Annotations): KnFieldError {
  const { value, found } = lookup(m, A.window);
  if (!found) return NONE;
  const key = A.window[0];
  const d = parseGoDuration(value);
  if (d === undefined) return kn.invalidValue(value, key);
  if (d < WINDOW_MIN || d > WINDOW_MAX) return kn.outOfBounds(value, formatGoDuration(WINDOW_MIN), formatGoDuration(WINDOW_MAX), key);
  if (d % SECOND !== 0n) return kn.generic('must be specified with at most second precision', key);
  return NONE;
}

function validateMinMaxScale(config: AutoscalerDefaults, m: Annotations): KnFieldError {
  const min = intGE0(m, A.minScale);
  const max = intGE0(m, A.maxScale);
  let errs = min.err.also(max.err);
  if (max.value !== 0 && max.value < min.value) {
    errs = errs.also(kn.make(`max-scale=${max.value} is less than min-scale=${min.value}`, [A.maxScale[0], A.minScale[0]]));
  }
  const maxKey = lookup(m, A.maxScale);
  if (maxKey.found && config.maxScaleLimit !== 0) {
    if (max.value > config.maxScaleLimit) errs = errs.also(kn.outOfBounds(max.value, 1, config.maxScaleLimit, maxKey.key));
    if (max.value === 0) errs = errs.also(kn.make(`max-scale=0 (unlimited), must be less than ${config.maxScaleLimit}`, [maxKey.key]));
  }
  const act = lookup(m, A.activationScale);
  if (act.found) {
    const parsed = parseGoInt(act.value, 32);
    if (!parsed.ok) errs = errs.also(kn.invalidValue(act.value, act.key));
    else if (min.value > parsed.value) errs = errs.also(kn.make(`min-scale=${min.value} is greater than activation-scale=${parsed.value}`, [act.key]));
    else if (max.value < parsed.value && max.value !== 0) errs = errs.also(kn.make(`max-scale=${max.value} is less than activation-scale=${parsed.value}`, [act.key]));
    else if (parsed.value < 2) errs = errs.also(kn.make(`activation-scale=${parsed.value} must be greater than 1`, [act.key]));
  }
  return errs;
}

function validateMetric(config: AutoscalerDefaults, m: Annotations): KnFieldError {
  const { value: metric, found } = lookup(m, A.metric);
  if (!found) return NONE;
  const cls = lookup(m, A.class);
  const classValue = cls.found ? cls.value : config.podAutoscalerClass;
  if (classValue === KPA_CLASS) {
    if (metric === 'concurrency' || metric === 'rps') return NONE;
  } else if (classValue === HPA_CLASS) {
    if (metric !== '') return NONE;
  } else {
    return NONE; // other autoscaler classes define their own metrics
  }
  return kn.invalidValue(metric, A.metric[0]);
}

function validateInitialScale(config: AutoscalerDefaults, m: Annotations): KnFieldError {
  const { key, value, found } = lookup(m, A.initialScale);
  if (!found) return NONE;
  const parsed = parseGoInt(value, 64);
  if (!parsed.ok) return kn.invalidValue(value, key);
  if (parsed.value < 0) return kn.invalidValue(value, `${key} must be greater than 0`);
  if (!config.allowZeroInitialScale && parsed.value === 0) return kn.invalidValue(value, `${key}=0 not allowed by cluster`);
  return NONE;
}

/** All autoscaling annotation checks (paths are the annotation keys). */
export function validateAutoscalingAnnotations(config: AutoscalerDefaults, m: Annotations): KnFieldError {
  return validateClass(m).also(
    validateMinMaxScale(config, m),
    validateFloats(m),
    validateWindow(m),
    validateLastPodRetention(m),
    validateScaleDownDelay(m),
    validateMetric(config, m),
    validateAlgorithm(m),
    validateInitialScale(config, m),
  );
}
