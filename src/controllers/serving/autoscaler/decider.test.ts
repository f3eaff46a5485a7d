/**
 * The decider against upstream's cases (knative/serving pkg/autoscaler/scaling/autoscaler_test.go:
 * 75% utilisation, panic threshold 2, up/down rates 10, stable window 60 s) and the
 * defaults' figures (target 70 per pod, TBC 211, activators).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAutoscalerConfig } from './config.ts';
import { type DeciderState, initialDeciderState, numActivators, scale } from './decider.ts';
import { revisionScalingSpec, type RevisionScalingSpec } from './spec.ts';

const UTIL = 0.75;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function upstreamSpec(target: number, tbc: number, extra: Partial<RevisionScalingSpec> = {}): RevisionScalingSpec {
  const base = revisionScalingSpec({ apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', metadata: { name: 'r', namespace: 'n' } }, defaultAutoscalerConfig());
  return { ...base, target, total: target / UTIL, targetBurstCapacity: tbc, panicThreshold: 2, maxScaleUpRate: 10, maxScaleDownRate: 10, stableWindowMs: 60_000, reachable: true, ...extra };
}

const ebc = (target: number, tbc: number, observed: number, pods: number) => Math.floor((target / UTIL) * pods - tbc - observed);

class Harness {
  state: DeciderState;
  ready = 1;
  constructor(readonly spec: RevisionScalingSpec, ready = 1) {
    this.ready = ready;
    this.state = initialDeciderState(spec, ready, T0);
  }
  run(stable: number, panic: number, nowMs = T0) {
    const { result, state } = scale(this.spec, this.state, { stable, panic }, this.ready, nowMs);
    this.state = state;
    return result;
  }
}

test('stable mode: ceil(observed / target), and the burst capacity from the ready pods', () => {
  const h = new Harness(upstreamSpec(10, 101));
  assert.deepEqual(h.run(50, 10), { desiredPodCount: 5, excessBurstCapacity: ebc(10, 101, 10, 1) });
  assert.deepEqual(h.run(100, 10), { desiredPodCount: 10, excessBurstCapacity: ebc(10, 101, 10, 1) });
  const down = new Harness(upstreamSpec(10, 98));
  down.ready = 8;
  assert.equal(down.run(100, 100).desiredPodCount, 10);
  assert.equal(down.run(50, 50).desiredPodCount, 5);
});

test('no traffic scales to zero; activation scale lifts a non-zero count', () => {
  const h = new Harness(upstreamSpec(10, 75));
  assert.equal(h.run(1, 0).desiredPodCount, 1);
  assert.equal(h.run(0, 0).desiredPodCount, 0);
  const a = new Harness(upstreamSpec(10, 75, { activationScale: 2 }));
  assert.equal(a.run(0, 0).desiredPodCount, 0);
  assert.equal(a.run(1, 0).desiredPodCount, 2);
});

test('rate limits: up ×10 of ready pods, down ÷10, at least one pod counted', () => {
  const up = new Harness(upstreamSpec(10, 61));
  assert.equal(up.run(1000, 1001).desiredPodCount, 10);
  up.ready = 10;
  assert.equal(up.run(1000, 1001).desiredPodCount, 100);
  const down = new Harness(upstreamSpec(10, 61));
  down.ready = 100;
  assert.equal(down.run(1, 1).desiredPodCount, 10);
  down.ready = 10;
  assert.equal(down.run(1, 1).desiredPodCount, 1);
  const none = new Harness(upstreamSpec(10, 81));
  none.ready = 0;
  assert.deepEqual(none.run(1000, 888), { desiredPodCount: 10, excessBurstCapacity: ebc(10, 81, 888, 0) });
});

test('panic: entered over the threshold, never scales down, left a stable window later', () => {
  const h = new Harness(upstreamSpec(10, 93));
  assert.equal(h.run(100, 100).desiredPodCount, 10);
  h.ready = 10;
  const panicAt = T0 + 1000;
  assert.equal(h.run(100, 1000, panicAt).desiredPodCount, 100);
  assert.equal(h.state.panicTime, panicAt);
  assert.equal(h.run(1, 1, panicAt + 30_000).desiredPodCount, 100, 'traffic dropped but still panicking');
  assert.equal(h.run(1, 1, panicAt + 61_000).desiredPodCount, 1, 'after the stable window: scale down');
  assert.equal(h.state.panicTime, undefined);
});

test('panic: un-panics after a slow increase, extends while still surging', () => {
  const h = new Harness(upstreamSpec(1, 98));
  h.ready = 10;
  assert.deepEqual(h.run(11, 25, T0), { desiredPodCount: 25, excessBurstCapacity: ebc(1, 98, 25, 10) });
  h.ready = 40;
  assert.equal(h.run(30, 41, T0 + 30_000).desiredPodCount, 41);
  assert.equal(h.state.panicTime, T0, 'below threshold: the panic time stays');
  h.ready = 55;
  assert.equal(h.run(50, 56, T0 + 62_000).desiredPodCount, 50, 'no longer in panic');
  assert.equal(h.state.panicTime, undefined);

  const e = new Harness(upstreamSpec(1, 98));
  e.ready = 10;
  e.run(11, 25, T0);
  e.ready = 40;
  assert.equal(e.run(30, 80, T0 + 30_000).desiredPodCount, 80);
  assert.equal(e.state.panicTime, T0 + 30_000);
});

test('panic tracks an exponential surge', () => {
  const h = new Harness(upstreamSpec(1, 101));
  assert.equal(h.run(6, 6).desiredPodCount, 6);
  for (const [ready, load] of [[6, 36], [36, 216], [216, 1296], [1296, 1296]] as const) {
    h.ready = ready;
    assert.equal(h.run(load, load).desiredPodCount, load);
  }
});

test('a decider created with more than one ready pod starts in panic holding that count', () => {
  const spec = upstreamSpec(100, 11);
  for (const ready of [0, 1]) {
    const s = initialDeciderState(spec, ready, T0);
    assert.equal(s.panicTime, undefined);
    assert.equal(s.maxPanicPods, ready);
  }
  const s = initialDeciderState(spec, 2, T0);
  assert.equal(s.panicTime, T0);
  assert.equal(s.maxPanicPods, 2);
});

test('scale-down-delay holds the highest count of the delay window', () => {
  const h = new Harness({ ...upstreamSpec(10, 0), maxScaleDownRate: 10, maxScaleUpRate: 10, panicThreshold: 100, scaleDownDelayMs: 300_000 });
  assert.equal(h.run(40, 40, T0 + 2000).desiredPodCount, 4);
  assert.equal(h.run(0, 0, T0 + 300_000).desiredPodCount, 4, 'five minutes at less: still 4');
  assert.equal(h.run(0, 0, T0 + 302_000).desiredPodCount, 0, 'the 4 left the window');
  const unreachable = new Harness({ ...upstreamSpec(10, 0), panicThreshold: 100, scaleDownDelayMs: 300_000, reachable: false });
  assert.equal(unreachable.run(40, 40, T0 + 2000).desiredPodCount, 4);
  assert.equal(unreachable.run(0, 0, T0 + 4000).desiredPodCount, 0, 'an unreachable revision is not delayed');
});

test('burst capacity: 0 for TBC 0, -1 for TBC -1; the defaults keep the activator for one pod', () => {
  assert.equal(new Harness(upstreamSpec(10, 0)).run(5, 5).excessBurstCapacity, 0);
  assert.equal(new Harness(upstreamSpec(10, -1)).run(5, 5).excessBurstCapacity, -1);
  const defaults = revisionScalingSpec({ apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', metadata: { name: 'r', namespace: 'n' } }, defaultAutoscalerConfig());
  assert.equal(defaults.target, 70, 'target 100 × 70%');
  const one = scale(defaults, initialDeciderState(defaults, 1, T0), { stable: 10, panic: 10 }, 1, T0).result;
  assert.deepEqual(one, { desiredPodCount: 1, excessBurstCapacity: Math.floor(100 - 211 - 10) });
  const three = scale(defaults, initialDeciderState(defaults, 3, T0), { stable: 10, panic: 10 }, 3, T0).result;
  assert.equal(three.excessBurstCapacity, 300 - 211 - 10, 'three pods absorb the burst: activator out');
});

test('activators: max(2, ceil((ready × total + TBC) / capacity)), 2 when TBC is 0', () => {
  const spec = { targetBurstCapacity: 211, total: 100, activatorCapacity: 100 };
  assert.equal(numActivators(0, spec), 3);
  assert.equal(numActivators(10, spec), 13);
  assert.equal(numActivators(10, { ...spec, targetBurstCapacity: 0 }), 2);
  assert.equal(numActivators(0, { ...spec, targetBurstCapacity: -1 }), 2);
  assert.equal(numActivators(5, { ...spec, targetBurstCapacity: -1 }), 5);
});
