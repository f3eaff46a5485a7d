/**
 * A revision's running decider over real window arithmetic: scale up under load (target 70
 * per pod), idle back down, no decision without data, and the activator's first-sight stat
 * deciding one pod for a revision at zero.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAutoscalerConfig } from './config.ts';
import { RevisionScaler } from './revision-scaler.ts';
import { revisionScalingSpec } from './spec.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const spec = revisionScalingSpec({ apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', metadata: { name: 'r', namespace: 'n' } }, defaultAutoscalerConfig());
const load = (c: number) => ({ averageConcurrentRequests: c, averageProxiedConcurrentRequests: 0, requestCount: c, proxiedRequestCount: 0 });

test('before any decision: desired -1 and the burst capacity of the initial scale', () => {
  const r = new RevisionScaler(spec, 0, T0);
  assert.deepEqual(r.decision, { desiredScale: -1, excessBurstCapacity: 100 - 211 });
  assert.equal(r.tick(0, T0, true), false, 'no data: no decision');
  assert.equal(r.decision.desiredScale, -1);
});

test('200 concurrent requests on one pod → 3 pods (target 70), panicking; a quiet stable window later → down by at most half', () => {
  const r = new RevisionScaler(spec, 1, T0);
  let t = T0;
  for (let i = 0; i < 10; i++, t += 1000) r.record(t, load(200));
  assert.equal(r.tick(1, t - 1000, true), true);
  assert.equal(r.decision.desiredScale, 3);
  assert.equal(r.panicking, true, '3 pods wanted by 1 ready is over the 200% panic threshold');
  for (let i = 0; i < 62; i++, t += 1000) r.record(t, load(0));
  r.tick(3, t - 1000, true);
  assert.equal(r.panicking, false);
  assert.equal(r.decision.desiredScale, 1, 'floor(3 / max-scale-down-rate 2) = 1 at least');
  r.tick(1, t - 1000, true);
  assert.equal(r.decision.desiredScale, 0);
});

test('the activator\'s first-sight stat at zero decides one pod', () => {
  const r = new RevisionScaler(spec, 0, T0);
  for (let i = 0; i < 60; i++) r.record(T0 + i * 1000, load(0));
  r.tick(1, T0 + 59_000, true);
  assert.equal(r.decision.desiredScale, 0);
  const later = T0 + 200_000;
  assert.equal(r.tick(0, later, true), false, 'long silent: no data, the last decision stands');
  r.record(later, load(1));
  assert.equal(r.tick(0, later, true), true);
  assert.equal(r.decision.desiredScale, 1);
});
