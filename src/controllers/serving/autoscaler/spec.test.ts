/**
 * config-autoscaler parsing (pkg/autoscaler/config/config_test.go) and the per-revision spec
 * (resources/target_test.go, decider_test.go, pa_lifecycle_test.go ScaleBounds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoscalerConfigFromData, defaultAutoscalerConfig } from './config.ts';
import { initialScale, panicWindowMs, type PodAutoscalerLike, revisionScalingSpec, scaleBounds } from './spec.ts';

function pa(annotations: Record<string, string> = {}, spec: PodAutoscalerLike['spec'] = {}): PodAutoscalerLike {
  return { apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', metadata: { name: 'hello-00001', namespace: 'default', annotations }, spec };
}

test('config defaults are upstream\'s', () => {
  const { config, error } = autoscalerConfigFromData({});
  assert.equal(error, undefined);
  assert.deepEqual(config, defaultAutoscalerConfig());
  assert.equal(config.targetBurstCapacity, 211);
  assert.equal(config.stableWindowMs, 60_000);
  assert.equal(config.scaleToZeroGracePeriodMs, 30_000);
  assert.equal(config.containerConcurrencyTargetFraction, 0.7);
});

test('config keys are read, percentages become fractions, durations milliseconds', () => {
  const { config, error } = autoscalerConfigFromData({
    'container-concurrency-target-percentage': '50', 'stable-window': '2m', 'scale-to-zero-grace-period': '10s',
    'enable-scale-to-zero': 'false', 'target-burst-capacity': '-1', 'max-scale': '10', 'min-scale': '1', 'scale-down-delay': '15s',
    'scale-to-zero-pod-retention-period': '1m30s', 'activator-capacity': '50', 'initial-scale': '0', 'allow-zero-initial-scale': 'true',
  }, { 'progress-deadline': '120s' });
  assert.equal(error, undefined);
  assert.equal(config.containerConcurrencyTargetFraction, 0.5);
  assert.equal(config.stableWindowMs, 120_000);
  assert.equal(config.scaleToZeroGracePeriodMs, 10_000);
  assert.equal(config.enableScaleToZero, false);
  assert.equal(config.targetBurstCapacity, -1);
  assert.equal(config.scaleDownDelayMs, 15_000);
  assert.equal(config.scaleToZeroPodRetentionPeriodMs, 90_000);
  assert.equal(config.initialScale, 0);
  assert.equal(config.progressDeadlineMs, 120_000);
  assert.equal(autoscalerConfigFromData({ 'container-concurrency-target-percentage': '0.6' }).config.containerConcurrencyTargetFraction, 0.6, 'legacy fractions');
});

test('an invalid config is rejected whole, with upstream\'s wording', () => {
  for (const [data, fragment] of [
    [{ 'stable-window': '5s' }, 'stable-window'],
    [{ 'stable-window': '61500ms' }, 'second precision'],
    [{ 'max-scale-up-rate': '1' }, 'max-scale-up-rate'],
    [{ 'target-burst-capacity': '-2' }, 'target-burst-capacity'],
    [{ 'scale-to-zero-grace-period': '0s' }, 'scale-to-zero-grace-period'],
    [{ 'initial-scale': '0' }, 'initial-scale'],
    [{ 'min-scale': '5', 'max-scale': '3' }, 'min-scale'],
    [{ 'max-scale-limit': '10', 'max-scale': '0' }, 'max-scale'],
    [{ 'enable-scale-to-zero': 'yes' }, 'enable-scale-to-zero'],
  ] as const) {
    const r = autoscalerConfigFromData(data);
    assert.match(r.error ?? '', new RegExp(fragment), JSON.stringify(data));
    assert.deepEqual(r.config, defaultAutoscalerConfig());
  }
});

test('target: containerConcurrency, the default, the annotation capped at CC, utilisation, rps', () => {
  const c = defaultAutoscalerConfig();
  assert.deepEqual([revisionScalingSpec(pa(), c).target, revisionScalingSpec(pa(), c).total], [70, 100]);
  const cc10 = revisionScalingSpec(pa({}, { containerConcurrency: 10 }), c);
  assert.deepEqual([cc10.target, cc10.total], [7, 10]);
  const annotated = revisionScalingSpec(pa({ 'autoscaling.knative.dev/target': '50' }, { containerConcurrency: 10 }), c);
  assert.equal(annotated.total, 10, 'never above containerConcurrency');
  const util = revisionScalingSpec(pa({ 'autoscaling.knative.dev/target': '50', 'autoscaling.knative.dev/target-utilization-percentage': '80' }), c);
  assert.deepEqual([util.target, util.total], [40, 50]);
  const rps = revisionScalingSpec(pa({ 'autoscaling.knative.dev/metric': 'rps' }), c);
  assert.deepEqual([rps.metric, rps.target, rps.total], ['rps', 140, 200]);
  assert.equal(revisionScalingSpec(pa({ 'autoscaling.knative.dev/target': '0.001' }), c).target, 0.01, 'at least TargetMin');
});

test('windows, thresholds and the other per-revision annotations', () => {
  const c = defaultAutoscalerConfig();
  const s = revisionScalingSpec(pa(), c);
  assert.equal(s.stableWindowMs, 60_000);
  assert.equal(s.panicWindowMs, 6_000);
  assert.equal(s.panicThreshold, 2);
  assert.equal(s.aggregation, 'linear');
  assert.equal(s.activationTimeoutMs, 630_000, 'progress deadline 600 s + 30 s');
  const a = revisionScalingSpec(pa({
    'autoscaling.knative.dev/window': '20s', 'autoscaling.knative.dev/panic-window-percentage': '20', 'autoscaling.knative.dev/panic-threshold-percentage': '150',
    'autoscaling.knative.dev/target-burst-capacity': '0', 'autoscaling.knative.dev/scale-down-delay': '30s', 'autoscaling.knative.dev/activation-scale': '3',
    'autoscaling.knative.dev/metric-aggregation-algorithm': 'weighted-exponential', 'autoscaling.knative.dev/scale-to-zero-pod-retention-period': '1m',
    'serving.knative.dev/progress-deadline': '60s',
  }), c);
  assert.deepEqual(
    [a.stableWindowMs, a.panicWindowMs, a.panicThreshold, a.targetBurstCapacity, a.scaleDownDelayMs, a.activationScale, a.aggregation, a.lastPodRetentionMs, a.activationTimeoutMs],
    [20_000, 4_000, 1.5, 0, 30_000, 3, 'weighted-exponential', 60_000, 90_000],
  );
  assert.equal(panicWindowMs(6_000, 1), 1000, 'at least one bucket');
  assert.equal(revisionScalingSpec(pa({ 'autoscaling.knative.dev/window': 'soon' }), c).stableWindowMs, 60_000, 'unparsable: the config value');
});

test('scale bounds: legacy keys, config defaults, min ignored while unreachable; initial scale', () => {
  const c = { ...defaultAutoscalerConfig(), minScale: 1, maxScale: 20 };
  assert.deepEqual(scaleBounds(pa(), c), { min: 1, max: 20 });
  assert.deepEqual(scaleBounds(pa({ 'autoscaling.knative.dev/minScale': '2', 'autoscaling.knative.dev/max-scale': '5' }), c), { min: 2, max: 5 });
  assert.deepEqual(scaleBounds(pa({ 'autoscaling.knative.dev/min-scale': '2' }, { reachability: 'Unreachable' }), c), { min: 0, max: 20 });
  const d = defaultAutoscalerConfig();
  assert.equal(initialScale(pa(), d), 1);
  assert.equal(initialScale(pa({ 'autoscaling.knative.dev/initial-scale': '3' }), d), 3);
  assert.equal(initialScale(pa({ 'autoscaling.knative.dev/initial-scale': '0' }), d), 1, 'zero not allowed by the cluster');
  assert.equal(initialScale(pa({ 'autoscaling.knative.dev/initial-scale': '0' }), { ...d, allowZeroInitialScale: true }), 0);
  assert.equal(revisionScalingSpec(pa({ 'autoscaling.knative.dev/scale-to-zero-pod-retention-period': '1m' }, { reachability: 'Unreachable' }), d).lastPodRetentionMs, 0);
});
