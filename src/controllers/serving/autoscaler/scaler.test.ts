/**
 * The scale-to-zero state machine and the PA's Active condition (kpa/scaler_test.go,
 * kpa/kpa_test.go computeActiveCondition), separately and as one lifecycle on a fake clock:
 * activating → active → (stable window) inactive → (grace) zero → poked back to one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONDITION_SETS } from '../../../api/knative/conditions.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import { defaultAutoscalerConfig } from './config.ts';
import { planScale, type ScalePlanInput } from './scaler.ts';
import { revisionScalingSpec, type RevisionScalingSpec } from './spec.ts';
import { activeState, activeThreshold, computeActiveCondition, proxyForMs, sksMode } from './status.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const SET = CONDITION_SETS['PodAutoscaler.autoscaling.internal.knative.dev']!;
const spec = (extra: Partial<RevisionScalingSpec> = {}): RevisionScalingSpec => ({
  ...revisionScalingSpec({ apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', metadata: { name: 'r', namespace: 'n' } }, defaultAutoscalerConfig()),
  ...extra,
});
const input = (over: Partial<ScalePlanInput>): ScalePlanInput => ({
  spec: spec(), desired: 0, active: 'True', activeSinceMs: T0, scaleTargetInitialized: true, sksMode: 'Serve', proxyForMs: 0, activatorInPath: undefined, nowMs: T0, ...over,
});

test('bounds: min/max clamp, initial scale is a floor until initialised, no data waits', () => {
  assert.deepEqual(planScale(input({ desired: 7, spec: spec({ maxScale: 5 }) })), { want: 5, apply: true });
  assert.deepEqual(planScale(input({ desired: 0, spec: spec({ minScale: 2 }) })), { want: 2, apply: true });
  assert.deepEqual(planScale(input({ desired: 1, spec: spec({ initialScale: 3 }), scaleTargetInitialized: false })), { want: 3, apply: true });
  assert.deepEqual(planScale(input({ desired: 1, spec: spec({ initialScale: 3, reachable: false }), scaleTargetInitialized: false })), { want: 1, apply: true });
  assert.deepEqual(planScale(input({ desired: -1, active: 'True' })), { want: -1, apply: false }, 'no metrics yet: nothing to do');
  assert.deepEqual(planScale(input({ desired: 0, spec: spec({ enableScaleToZero: false }) })), { want: 1, apply: true });
});

test('activating: never to zero until the activation timeout (progress deadline + 30 s)', () => {
  const p = planScale(input({ desired: -1, active: 'Unknown', activeSinceMs: T0, nowMs: T0 + 10_000 }));
  assert.deepEqual(p, { want: -1, apply: false, requeueAfterMs: 630_000 });
  assert.deepEqual(planScale(input({ desired: 0, active: 'Unknown', activeSinceMs: T0, nowMs: T0 + 631_000 })), { want: 0, apply: true });
  assert.deepEqual(planScale(input({ desired: -1, active: 'Unknown', spec: spec({ minScale: 1 }) })), { want: 1, apply: true });
});

test('active: held at one for a stable window, then want 0 without applying it', () => {
  assert.deepEqual(planScale(input({ desired: 0, active: 'True', activeSinceMs: T0, nowMs: T0 + 20_000 })), { want: 1, apply: true, requeueAfterMs: 40_000 });
  assert.deepEqual(planScale(input({ desired: 0, active: 'True', activeSinceMs: T0, nowMs: T0 + 60_000 })), { want: 0, apply: false });
  assert.deepEqual(planScale(input({ desired: 0, active: 'True', activeSinceMs: T0, nowMs: T0 + 60_000, sksMode: 'Proxy' })), { want: 0, apply: false, requeueAfterMs: 3000 });
});

test('inactive: probe the activator, then zero after the grace period (or proxying that long)', () => {
  const base = { desired: 0, active: 'False' as const, activeSinceMs: T0 };
  assert.deepEqual(planScale(input({ ...base, nowMs: T0 + 1000 })), { want: 0, apply: false, needsProbe: true });
  assert.deepEqual(planScale(input({ ...base, nowMs: T0 + 1000, activatorInPath: false })), { want: 0, apply: false, requeueAfterMs: 1000 });
  assert.deepEqual(planScale(input({ ...base, nowMs: T0 + 1000, activatorInPath: true, proxyForMs: 5000 })), { want: 0, apply: false, requeueAfterMs: 25_000 });
  assert.deepEqual(planScale(input({ ...base, nowMs: T0 + 1000, activatorInPath: true, proxyForMs: 30_000 })), { want: 0, apply: true }, 'already proxying for the grace period');
  assert.deepEqual(planScale(input({ ...base, nowMs: T0 + 30_000, activatorInPath: true })), { want: 0, apply: true });
  const retained = spec({ lastPodRetentionMs: 90_000 });
  assert.deepEqual(planScale(input({ ...base, spec: retained, nowMs: T0 + 40_000, activatorInPath: true, proxyForMs: 40_000 })), { want: 0, apply: false, requeueAfterMs: 50_000 });
  assert.deepEqual(planScale(input({ ...base, spec: retained, nowMs: T0 + 90_000, activatorInPath: true })), { want: 0, apply: true });
  assert.deepEqual(planScale(input({ ...base, spec: spec({ targetBurstCapacity: -1 }), nowMs: T0 + 30_000 })), { want: 0, apply: true }, 'TBC -1: no probe needed');
});

test('Active condition table', () => {
  const conds = (active?: 'True' | 'False' | 'Unknown') => new KnativeConditions(SET, active ? [{ type: 'Active', status: active }] : [], () => new Date(T0)).initialize();
  let c = conds();
  computeActiveCondition(c, { want: -1, ready: 0 }, 1, '');
  assert.equal(c.get('Active')?.reason, 'Queued');
  c = conds('Unknown');
  computeActiveCondition(c, { want: -1, ready: 1 }, 1, 'hello-00001');
  assert.equal(c.get('Active')?.status, 'True');
  assert.equal(c.isTrue('ScaleTargetInitialized'), true);
  c = conds('True');
  computeActiveCondition(c, { want: 0, ready: 1 }, 1, 'svc');
  assert.deepEqual([c.get('Active')?.status, c.get('Active')?.reason], ['False', 'NoTraffic']);
  c = conds('Unknown');
  computeActiveCondition(c, { want: 0, ready: 0 }, 1, 'svc');
  assert.deepEqual([c.get('Active')?.status, c.get('Active')?.reason], ['False', 'TimedOut']);
  c = conds('False');
  computeActiveCondition(c, { want: -1, ready: 0 }, 1, 'svc');
  assert.equal(c.get('Active')?.reason, 'NoTraffic', 'still inactive while nothing is wanted');
  c = conds('False');
  computeActiveCondition(c, { want: 1, ready: 0 }, 1, 'svc');
  assert.deepEqual([c.get('Active')?.status, c.get('Active')?.reason], ['Unknown', 'Queued']);
  c = conds('False');
  computeActiveCondition(c, { want: -1, ready: 1 }, 1, 'svc');
  assert.equal(c.get('Active')?.status, 'False', '-1, ready, inactive stays inactive');
  assert.equal(activeThreshold(0, 3, false), 3);
  assert.equal(activeThreshold(0, 3, true), 1);
  assert.equal(activeThreshold(2, 1, true), 2);
});

test('SKS mode and proxy time', () => {
  assert.equal(sksMode(1, 0, false), 'Serve');
  assert.equal(sksMode(1, -1, false), 'Proxy');
  assert.equal(sksMode(0, 10, false), 'Proxy');
  assert.equal(sksMode(-1, 10, true), 'Proxy');
  assert.equal(proxyForMs([{ type: 'ActivatorEndpointsPopulated', status: 'True', lastTransitionTime: new Date(T0).toISOString() }], T0 + 5000), 5000);
  assert.equal(proxyForMs([{ type: 'ActivatorEndpointsPopulated', status: 'False', lastTransitionTime: new Date(T0).toISOString() }], T0 + 5000), 0);
});

test('lifecycle: active → NoTraffic after the stable window → zero after the grace period → back to one', () => {
  let now = T0;
  const c = new KnativeConditions(SET, [], () => new Date(now)).initialize();
  const s = spec();
  const step = (desired: number, ready: number, extra: Partial<ScalePlanInput> = {}) => {
    const { active, sinceMs } = activeState(c, now);
    let plan = planScale(input({ spec: s, desired, active, activeSinceMs: sinceMs, scaleTargetInitialized: c.isTrue('ScaleTargetInitialized'), nowMs: now, ...extra }));
    if (plan.needsProbe) plan = planScale(input({ spec: s, desired, active, activeSinceMs: sinceMs, scaleTargetInitialized: c.isTrue('ScaleTargetInitialized'), nowMs: now, activatorInPath: true, ...extra }));
    computeActiveCondition(c, { want: plan.want, ready }, activeThreshold(0, 1, c.isTrue('ScaleTargetInitialized')), 'hello-00001');
    return plan;
  };
  assert.equal(step(-1, 0).want, -1, 'new revision, no data: leave the Deployment at its initial scale');
  assert.equal(c.get('Active')?.reason, 'Queued');
  now += 5000;
  step(-1, 1);
  assert.equal(c.get('Active')?.status, 'True', 'the first pod is ready');
  now += 2000;
  assert.deepEqual(step(0, 1), { want: 1, apply: true, requeueAfterMs: 58_000 }, 'idle, but held at one for the stable window');
  now += 58_000;
  assert.deepEqual(step(0, 1), { want: 0, apply: false });
  assert.deepEqual([c.get('Active')?.status, c.get('Active')?.reason], ['False', 'NoTraffic']);
  now += 10_000;
  assert.equal(step(0, 1, { sksMode: 'Proxy', proxyForMs: 10_000 }).apply, false, 'within the grace period');
  now += 20_000;
  assert.deepEqual(step(0, 1, { sksMode: 'Proxy', proxyForMs: 30_000 }), { want: 0, apply: true }, '60 s stable window + 30 s grace after the last request');
  now += 60_000;
  assert.deepEqual(step(1, 0, { sksMode: 'Proxy' }), { want: 1, apply: true }, 'poked: scale from zero');
  assert.deepEqual([c.get('Active')?.status, c.get('Active')?.reason], ['Unknown', 'Queued']);
});
