/**
 * The autoscaler's metrics: upstream's names and revision labels, the decider's figures only
 * after its first decision, requests-per-second names for an rps revision, and the Prometheus
 * text rendered from the live state at each scrape (series go with their revision).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAutoscalerConfig } from './config.ts';
import { AutoscalerMetrics, autoscalerSamples, revisionLabelsOf, revisionMetricsInput, type RevisionMetricsInput } from './metrics-autoscaler.ts';
import type { PodAutoscaler } from './reconcile.ts';
import { RevisionScaler } from './revision-scaler.ts';
import { revisionScalingSpec } from './spec.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const pa = (annotations: Record<string, string> = {}, status?: PodAutoscaler['status']): PodAutoscaler => ({
  apiVersion: 'autoscaling.internal.knative.dev/v1alpha1',
  kind: 'PodAutoscaler',
  metadata: {
    name: 'hello-00001', namespace: 'default', annotations,
    labels: { 'serving.knative.dev/service': 'hello', 'serving.knative.dev/configuration': 'hello', 'serving.knative.dev/revision': 'hello-00001' },
  },
  ...(status ? { status } : {}),
});
const counts = { ready: 2, notReady: 1, pending: 0, terminating: 3 };
const LABELS = { namespace_name: 'default', service_name: 'hello', configuration_name: 'hello', revision_name: 'hello-00001' };

const decided = (p: PodAutoscaler, concurrency: number): RevisionScaler => {
  const r = new RevisionScaler(revisionScalingSpec(p, defaultAutoscalerConfig()), 1, T0);
  for (let t = T0; t < T0 + 10_000; t += 1000) r.record(t, { averageConcurrentRequests: concurrency, averageProxiedConcurrentRequests: 0, requestCount: concurrency, proxiedRequestCount: 0 });
  r.tick(1, T0 + 9000, true);
  return r;
};

test('labels: the revision, its configuration and service from the PodAutoscaler; a missing service is "unknown"', () => {
  assert.deepEqual(revisionLabelsOf(pa()), LABELS);
  const bare = pa();
  delete bare.metadata.labels!['serving.knative.dev/service'];
  assert.equal(revisionLabelsOf(bare).service_name, 'unknown');
});

test('before its first decision a revision reports only the reconciler\'s pod counts (requested once known)', () => {
  const scaler = new RevisionScaler(revisionScalingSpec(pa(), defaultAutoscalerConfig()), 0, T0);
  const input = revisionMetricsInput(pa({}, { desiredScale: -1 }), scaler, counts);
  assert.equal(input.decider, undefined);
  assert.equal(input.requestedPods, undefined, 'want -1 is not reported (kpa.go reportMetrics)');
  assert.deepEqual(autoscalerSamples([input]).map((s) => [s.name, s.value]), [
    ['actual_pods', 2], ['not_ready_pods', 1], ['pending_pods', 0], ['terminating_pods', 3],
  ]);
});

test('a concurrency revision: desired pods, burst capacity, stable/panic concurrency, target, panic mode', () => {
  const p = pa({}, { desiredScale: 3 });
  const input = revisionMetricsInput(p, decided(p, 200), counts);
  const byName = new Map(autoscalerSamples([input]).map((s) => [s.name, s]));
  assert.equal(byName.get('desired_pods')?.value, 3, '200 concurrent requests, target 70 per pod');
  assert.equal(byName.get('panic_mode')?.value, 1);
  assert.equal(byName.get('stable_request_concurrency')?.value, 200);
  assert.equal(byName.get('panic_request_concurrency')?.value, 200);
  assert.equal(byName.get('target_concurrency_per_pod')?.value, 70);
  assert.equal(byName.get('excess_burst_capacity')?.value, Math.floor(1 * 100 - 211 - 200));
  assert.equal(byName.get('requested_pods')?.value, 3);
  assert.equal(byName.has('stable_requests_per_second'), false);
  assert.deepEqual(byName.get('desired_pods')?.labels, LABELS);
});

test('an rps revision reports requests per second instead of concurrency', () => {
  const p = pa({ 'autoscaling.knative.dev/metric': 'rps' });
  const names = autoscalerSamples([revisionMetricsInput(p, decided(p, 10), counts)]).map((s) => s.name);
  assert.ok(names.includes('stable_requests_per_second') && names.includes('panic_requests_per_second') && names.includes('target_requests_per_second'));
  assert.equal(names.includes('stable_request_concurrency'), false);
});

test('render: Prometheus text with the autoscaler_ prefix, read again at every scrape', async () => {
  let inputs: RevisionMetricsInput[] = [];
  const metrics = new AutoscalerMetrics(() => inputs);
  const p = pa({}, { desiredScale: 1 });
  inputs = [revisionMetricsInput(p, decided(p, 5), counts)];
  const text = await metrics.render();
  assert.match(text, /^# TYPE autoscaler_desired_pods gauge$/m);
  assert.match(text, /^autoscaler_desired_pods\{namespace_name="default",service_name="hello",configuration_name="hello",revision_name="hello-00001"\} 1$/m);
  assert.match(text, /^autoscaler_actual_pods\{[^}]*revision_name="hello-00001"\} 2$/m);
  assert.match(text, /^autoscaler_panic_mode\{[^}]*\} 0$/m);
  inputs = [];
  assert.doesNotMatch(await metrics.render(), /hello-00001/, 'a deleted revision\'s series are gone');
  assert.match(metrics.contentType, /^text\/plain/);
});
