/**
 * The PodAutoscaler's status as the KPA writes it (knative/serving
 * pkg/reconciler/autoscaling/kpa/kpa.go computeStatus, computeActiveCondition,
 * activeThreshold): desired and actual scale, the Active condition from want / ready /
 * activation threshold, ScaleTargetInitialized once the target first reached that
 * threshold behind a service, SKSReady from the SKS.
 */
import type { Condition } from '../../../api/object.ts';
import type { KnativeConditions } from '../shared/conditions.ts';
import type { ActiveStatus } from './scaler.ts';

export const NO_TRAFFIC = 'NoTraffic';
export const NO_PRIVATE_SERVICE_NAME = 'No Private Service Name';

/**
 * Ready pods needed for Active: before the first initialisation the larger of min-scale and
 * initial scale, afterwards the larger of min-scale and 1.
 */
export function activeThreshold(minScale: number, initialScale: number, scaleTargetInitialized: boolean): number {
  return scaleTargetInitialized ? Math.max(minScale, 1) : Math.max(minScale, initialScale);
}

/** The table in kpa.go: want (-1 unknown) × ready × threshold × current Active status. */
export function computeActiveCondition(conds: KnativeConditions, pc: { want: number; ready: number }, minReady: number, serviceName: string): void {
  if (pc.ready >= minReady && serviceName !== '') conds.markTrue('ScaleTargetInitialized');
  const active = conds.get('Active')?.status ?? 'Unknown';
  if (pc.want === 0 || minReady === 0) {
    // Scaling to zero while activating happens only when activation timed out.
    if (active === 'Unknown' && minReady > 0) conds.markFalse('Active', 'TimedOut', 'The target could not be activated.');
    else conds.markFalse('Active', NO_TRAFFIC, 'The target is not receiving traffic.');
  } else if (pc.ready < minReady) {
    if (pc.want > 0 || active !== 'False') conds.markUnknown('Active', 'Queued', 'Requests to the target are being buffered as resources are provisioned.');
    else conds.markFalse('Active', NO_TRAFFIC, 'The target is not receiving traffic.');
  } else if (pc.want > 0 || active !== 'False') {
    conds.markTrue('Active');
  }
}

/** The Active condition's status and since when (ms), for the scale-to-zero state machine. */
export function activeState(conds: KnativeConditions, nowMs: number): { active: ActiveStatus; sinceMs: number } {
  const c = conds.get('Active');
  const since = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : nowMs;
  return { active: c?.status ?? 'Unknown', sinceMs: Number.isNaN(since) ? nowMs : since };
}

/** How long the SKS has had the activator in its endpoints (ServerlessServiceStatus.ProxyFor). */
export function proxyForMs(sksConditions: readonly Condition[] | undefined, nowMs: number): number {
  const c = sksConditions?.find((x) => x.type === 'ActivatorEndpointsPopulated');
  if (!c || c.status !== 'True' || !c.lastTransitionTime) return 0;
  return Math.max(0, nowMs - Date.parse(c.lastTransitionTime));
}

/** The SKS mode: pods serve directly only when some are wanted and they can absorb the burst capacity. */
export function sksMode(want: number, excessBurstCapacity: number, inactive: boolean): 'Serve' | 'Proxy' {
  if (want === -1 && inactive) return 'Proxy';
  return want > 0 && excessBurstCapacity >= 0 ? 'Serve' : 'Proxy';
}
