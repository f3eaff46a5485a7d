/**
 * The KPA's decision each tick (knative/serving pkg/autoscaler/scaling/autoscaler.go Scale):
 * from the revision-wide stable and panic averages and the ready pod count, the pod count
 * the revision should have, and its excess burst capacity (which decides whether the
 * activator stays in the request path).
 *
 * Pure: the panic state and the scale-down-delay history are in `DeciderState`, handed in
 * and returned.
 */
import { MaxTimeWindow } from './buckets.ts';
import type { RevisionScalingSpec } from './spec.ts';

/** The decision loop's period (multiscaler.go tickInterval). */
export const TICK_MS = 2000;

export interface DeciderState {
  /** When panic mode began or was last extended; undefined when not panicking. */
  panicTime: number | undefined;
  /** In panic mode the count never goes below this. */
  maxPanicPods: number;
  /** Present when scale-down-delay > 0. */
  delayWindow: MaxTimeWindow | undefined;
}

export interface Observed {
  stable: number;
  panic: number;
}

export interface ScaleResult {
  desiredPodCount: number;
  excessBurstCapacity: number;
}

/**
 * A new decider. With more than one ready pod it starts in panic mode holding the current
 * count: after an autoscaler restart there is no history, and scaling down on no data would
 * be wrong.
 */
export function initialDeciderState(spec: RevisionScalingSpec, readyPods: number, nowMs: number): DeciderState {
  return {
    panicTime: readyPods > 1 ? nowMs : undefined,
    maxPanicPods: readyPods,
    delayWindow: spec.scaleDownDelayMs > 0 ? new MaxTimeWindow(spec.scaleDownDelayMs, TICK_MS) : undefined,
  };
}

/** `state.delayWindow` is mutated in place (it is the decider's own history). */
export function scale(spec: RevisionScalingSpec, state: DeciderState, observed: Observed, readyPodsCount: number, nowMs: number): { result: ScaleResult; state: DeciderState } {
  const readyPods = Math.max(1, readyPodsCount);
  // Ceil so a cautious up-rate still grows by at least one pod.
  const maxScaleUp = Math.ceil(spec.maxScaleUpRate * readyPods);
  const maxScaleDown = spec.reachable ? Math.floor(readyPods / spec.maxScaleDownRate) : 0;
  const dspc = Math.ceil(observed.stable / spec.target);
  const dppc = Math.ceil(observed.panic / spec.target);
  let stablePods = Math.min(Math.max(dspc, maxScaleDown), maxScaleUp);
  let panicPods = Math.min(Math.max(dppc, maxScaleDown), maxScaleUp);
  if (spec.activationScale > 1) {
    if (dspc > 0 && spec.activationScale > stablePods) stablePods = spec.activationScale;
    if (dppc > 0 && spec.activationScale > panicPods) panicPods = spec.activationScale;
  }

  let { panicTime, maxPanicPods } = state;
  const overThreshold = dppc / readyPods >= spec.panicThreshold;
  if (overThreshold) {
    panicTime = nowMs; // begin, or extend
  } else if (panicTime !== undefined && panicTime + spec.stableWindowMs < nowMs) {
    // The surge has made its way into the stable window.
    panicTime = undefined;
    maxPanicPods = 0;
  }

  let desired = stablePods;
  if (panicTime !== undefined) {
    // Provision for the larger of the two, and never scale down while panicking.
    desired = Math.max(desired, panicPods);
    if (desired > maxPanicPods) maxPanicPods = desired;
    desired = maxPanicPods;
  }

  if (spec.reachable && state.delayWindow) {
    state.delayWindow.record(nowMs, desired);
    desired = state.delayWindow.current();
  }

  // EBC = total capacity − target burst capacity − current (panic) load; negative means the
  // revision cannot absorb the burst on its own and the activator must stay in the path.
  let ebc = -1;
  if (spec.targetBurstCapacity === 0) ebc = 0;
  else if (spec.targetBurstCapacity > 0) ebc = Math.floor(readyPodsCount * spec.total - spec.targetBurstCapacity - observed.panic);

  return { result: { desiredPodCount: desired, excessBurstCapacity: ebc }, state: { panicTime, maxPanicPods, delayWindow: state.delayWindow } };
}

/** How many activators a revision's public endpoints get (kpa.go computeNumActivators). */
export const MIN_ACTIVATORS = 2;

export function numActivators(readyPods: number, spec: Pick<RevisionScalingSpec, 'targetBurstCapacity' | 'total' | 'activatorCapacity'>): number {
  if (spec.targetBurstCapacity === 0) return MIN_ACTIVATORS;
  let capacity = readyPods * spec.total;
  if (spec.targetBurstCapacity > 0) capacity += spec.targetBurstCapacity;
  return Math.max(MIN_ACTIVATORS, Math.ceil(capacity / spec.activatorCapacity));
}
