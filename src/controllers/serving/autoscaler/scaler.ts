/**
 * From the decider's count to the count written to the Deployment (knative/serving
 * pkg/reconciler/autoscaling/kpa/scaler.go scale + handleScaleToZero): min/max/initial scale
 * bounds, then the scale-to-zero state machine —
 *
 *   Active (True)      → hold at 1 until active for a stable window, then report want 0
 *                        without applying it (the PA becomes Inactive, NoTraffic; SKS → Proxy);
 *   Inactive (False)   → once the activator answers for the revision, scale to 0 after
 *                        max(grace, retention) inactive, or retention and grace in Proxy mode;
 *   Activating (Unknown) → never to 0, unless activation timed out (progress deadline + 30 s).
 *
 * Pure: the activator probe's answer is an input; `needsProbe` asks the caller for it.
 */
import type { RevisionScalingSpec } from './spec.ts';

export type ActiveStatus = 'True' | 'False' | 'Unknown';

export interface ScalePlanInput {
  spec: RevisionScalingSpec;
  /** The decider's desired count, -1 when it has no data yet. */
  desired: number;
  /** The PA's Active condition and when it last changed (ms since the epoch). */
  active: ActiveStatus;
  activeSinceMs: number;
  scaleTargetInitialized: boolean;
  sksMode: string | undefined;
  /** How long the SKS has had activator endpoints (ActivatorEndpointsPopulated True), ms; 0 if not. */
  proxyForMs: number;
  /** Whether the activator answers for the revision; undefined when not probed (yet). */
  activatorInPath: boolean | undefined;
  nowMs: number;
}

export interface ScalePlan {
  /** The count to report (PA desiredScale); -1 unknown. */
  want: number;
  /** Write `want` to the scale target (when it differs from the current replicas). */
  apply: boolean;
  /** Reconcile again after this long (upstream's enqueueCB). */
  requeueAfterMs?: number;
  /** The plan needs the activator probe's answer: probe and plan again. */
  needsProbe?: boolean;
}

/** Re-enqueue while already proxying, long enough for the current pass to finish. */
const PROXY_REQUEUE_MS = 3000;
/** Upstream's probe period while waiting for the activator to be in path. */
const PROBE_PERIOD_MS = 1000;

function applyBounds(min: number, max: number, x: number): number {
  if (x < min) return min;
  if (max !== 0 && x > max) return max;
  return x;
}

export function planScale(input: ScalePlanInput): ScalePlan {
  const { spec } = input;
  if (input.desired < 0 && input.active !== 'Unknown') return { want: input.desired, apply: false };
  let min = spec.minScale;
  // Until the scale target first reached its initial scale, the initial scale is a floor
  // (not for an unreachable revision, which may go straight to zero).
  if (spec.initialScale > 1 && !input.scaleTargetInitialized && spec.reachable) min = Math.max(spec.initialScale, min);
  const desired = applyBounds(min, spec.maxScale, input.desired);
  return scaleToZero(input, desired);
}

function scaleToZero(input: ScalePlanInput, desired: number): ScalePlan {
  const { spec, nowMs } = input;
  if (desired !== 0) return { want: desired, apply: true };
  if (!spec.enableScaleToZero) return { want: 1, apply: true };
  const inStatusFor = nowMs - input.activeSinceMs;
  switch (input.active) {
    case 'Unknown':
      // Stuck activating past the progress deadline: give up and scale to 0 (TimedOut).
      if (inStatusFor > spec.activationTimeoutMs) return { want: 0, apply: true };
      return { want: -1, apply: false, requeueAfterMs: spec.activationTimeoutMs };
    case 'True': {
      if (inStatusFor >= spec.stableWindowMs) {
        // Report 0 without applying it: the PA goes Inactive and the SKS to Proxy first.
        return { want: 0, apply: false, ...(input.sksMode === 'Proxy' ? { requeueAfterMs: PROXY_REQUEUE_MS } : {}) };
      }
      return { want: 1, apply: true, requeueAfterMs: spec.stableWindowMs - inStatusFor };
    }
    case 'False': {
      // With TBC -1 the activator is always in the path: nothing to probe.
      const inPath = spec.targetBurstCapacity === -1 ? true : input.activatorInPath;
      if (inPath === undefined) return { want: 0, apply: false, needsProbe: true };
      if (!inPath) return { want: 0, apply: false, requeueAfterMs: PROBE_PERIOD_MS };
      const retention = spec.lastPodRetentionMs;
      if (inStatusFor >= Math.max(spec.scaleToZeroGracePeriodMs, retention)) return { want: 0, apply: true };
      if (retention > 0 && inStatusFor < retention) return { want: 0, apply: false, requeueAfterMs: retention - inStatusFor };
      // The grace period counts from when the activator went into the path.
      const wait = spec.scaleToZeroGracePeriodMs - input.proxyForMs;
      if (wait <= 0) return { want: 0, apply: true };
      return { want: 0, apply: false, requeueAfterMs: wait };
    }
  }
}
