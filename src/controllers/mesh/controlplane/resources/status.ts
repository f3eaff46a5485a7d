/**
 * A control plane's status, computed as Maistra's operator computes it
 * (pkg/controller/servicemesh/controlplane/{reconciler,readiness,status}.go): the
 * Installed / Reconciled / Ready conditions and their reasons, per-component conditions,
 * `readiness.components`, and the readyComponentCount / alwaysReadyComponents annotations.
 * Pure: the reconciler decides when, these functions decide what.
 */
import type { Fields } from '../../../../api/mesh/fields.ts';
import type { KubeObject } from '../../../../api/object.ts';
import { SMCP_CONDITION as C, SMCP_REASON as R } from '../../../../api/mesh/conditions.ts';
import { type MeshCondition, conditionMatches, getCondition, goList, setCondition } from '../../shared/conditions.ts';
import { COMPONENT_LABEL } from '../../shared/meta.ts';

export interface ComponentStatus {
  resource: string;
  conditions: MeshCondition[];
}

export interface ControlPlaneStatus {
  annotations?: Record<string, string>;
  conditions?: MeshCondition[];
  components?: ComponentStatus[];
  readiness: { components?: { ready: string[]; unready: string[]; pending: string[] } };
  observedGeneration?: number;
  operatorVersion?: string;
  chartVersion?: string;
  appliedSpec?: Fields;
  appliedValues?: Fields;
}

export const READY_COMPONENT_COUNT = 'readyComponentCount';
export const ALWAYS_READY_COMPONENTS = 'alwaysReadyComponents';

export interface StatusEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export function statusOf(smcp: KubeObject): ControlPlaneStatus {
  const status = structuredClone((smcp.status ?? {}) as Partial<ControlPlaneStatus>);
  return { ...status, readiness: status.readiness ?? {} };
}

/** `<operatorVersion>-<observedGeneration>`, the version members record (status.GetReconciledVersion). */
export function reconciledVersionOf(status: Partial<ControlPlaneStatus>): string {
  return `${status.operatorVersion ?? ''}-${status.observedGeneration ?? 0}`;
}

export function isUpdating(status: ControlPlaneStatus): boolean {
  return (status.observedGeneration ?? 0) !== 0;
}

/** Reconciled, for this generation, by this operator version: only readiness is left to track. */
export function isFullyReconciled(status: ControlPlaneStatus, generation: number, operatorVersion: string): boolean {
  return getCondition(status.conditions, C.Reconciled).status === 'True' && status.observedGeneration === generation && status.operatorVersion === operatorVersion;
}

/** The first status write of a reconciliation: ResourceCreated on install, SpecUpdated / OperatorUpdated on update. */
export function initializeReconcileStatus(status: ControlPlaneStatus, generation: number, operatorVersion: string, now: Date): StatusEvent {
  let reason: string;
  let message: string;
  let event: string;
  if (isUpdating(status)) {
    if (status.observedGeneration === generation) {
      message = `Updating mesh due to operator version change (${status.operatorVersion ?? ''} to ${operatorVersion})`;
      reason = R.OperatorUpdated;
    } else {
      message = `Updating mesh from generation ${status.observedGeneration} to generation ${generation}`;
      reason = R.SpecUpdated;
    }
    event = 'Updating';
  } else {
    message = `Installing mesh generation ${generation}`;
    reason = R.ResourceCreated;
    event = 'Installing';
    status.conditions = setCondition(status.conditions, { type: C.Installed, status: 'False', reason, message }, now);
  }
  status.conditions = setCondition(status.conditions, { type: C.Reconciled, status: 'False', reason, message }, now);
  status.conditions = setCondition(status.conditions, { type: C.Ready, status: 'False', reason, message }, now);
  return { type: 'Normal', reason: event, message };
}

/** Resets the component list for this reconciliation: every component present, Reconciled False. */
export function initializeComponents(status: ControlPlaneStatus, names: readonly string[], now: Date): void {
  status.components = names.map((resource) => {
    const prev = status.components?.find((c) => c.resource === resource);
    return { resource, conditions: setCondition(prev?.conditions, { type: C.Reconciled, status: 'False' }, now) };
  });
}

/** A component's conditions after it was processed (updateComponentConditions). */
export function componentProcessed(status: ControlPlaneStatus, name: string, err: string | undefined, now: Date): void {
  const comp = status.components?.find((c) => c.resource === name);
  if (!comp) return;
  comp.conditions = installConditions(comp.conditions, err, 'Component installed successfully', now);
}

/** The control plane's Installed/Reconciled conditions after a pass (updateControlPlaneConditions). */
export function controlPlaneProcessed(status: ControlPlaneStatus, err: string | undefined, now: Date): void {
  status.conditions = installConditions(status.conditions, err, 'Successfully installed all mesh components', now);
}

function installConditions(conditions: MeshCondition[] | undefined, err: string | undefined, success: string, now: Date): MeshCondition[] {
  const installed = getCondition(conditions, C.Installed).status;
  if (err === undefined) {
    if (installed !== 'True') {
      conditions = setCondition(conditions, { type: C.Installed, status: 'True', reason: R.InstallSuccessful, message: success }, now);
      return setCondition(conditions, { type: C.Reconciled, status: 'True', reason: R.InstallSuccessful, message: success }, now);
    }
    return setCondition(conditions, { type: C.Reconciled, status: 'True', reason: R.ReconcileSuccessful, message: 'Successfully reconciled' }, now);
  }
  if (installed === 'Unknown') {
    conditions = setCondition(conditions, { type: C.Installed, status: 'False', reason: R.InstallError, message: err }, now);
    return setCondition(conditions, { type: C.Reconciled, status: 'False', reason: R.InstallError, message: err }, now);
  }
  return setCondition(conditions, { type: C.Reconciled, status: 'False', reason: R.ReconcileError, message: err }, now);
}

/** Sets the Reconciled condition's reason and message as a pass ends (postReconciliationStatus). */
export function postReconciliation(status: ControlPlaneStatus, reason: string, message: string, err: string | undefined, now: Date): StatusEvent | undefined {
  const current = getCondition(status.conditions, C.Reconciled);
  const fullMessage = err === undefined ? message : `${message}: error: ${err}`;
  status.conditions = setCondition(status.conditions, { ...current, reason, message: fullMessage }, now);
  if (err === undefined) return undefined;
  return { type: 'Warning', reason: isUpdating(status) ? 'Updating' : 'Installing', message: fullMessage };
}

export function pausedMessage(waiting: readonly string[]): string {
  return `Paused until the following components become ready: ${goList([...waiting].sort())}`;
}

/** Is this Deployment ready by Maistra's rule: all replicas ready, the latest generation observed, Available. */
export function deploymentReady(d: KubeObject): boolean {
  const st = (d.status ?? {}) as { readyReplicas?: number; replicas?: number; observedGeneration?: number; conditions?: Array<{ type: string; status: string }> };
  if ((st.readyReplicas ?? 0) < (st.replicas ?? 0) || (st.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) return false;
  return st.conditions?.find((c) => c.type === 'Available')?.status === 'True';
}

/** Ready and unready components from the mesh's Deployments (by their component label) and the always-ready list. */
export function componentReadiness(deployments: readonly KubeObject[], alwaysReady: readonly string[]): { ready: Set<string>; unready: Set<string> } {
  const map = new Map<string, boolean>();
  for (const d of deployments) {
    const component = d.metadata.labels?.[COMPONENT_LABEL];
    if (!component) continue;
    const before = map.get(component);
    map.set(component, (before ?? true) && deploymentReady(d));
  }
  for (const c of alwaysReady) map.set(c, true);
  const ready = new Set<string>();
  const unready = new Set<string>();
  for (const [c, ok] of map) (ok ? ready : unready).add(c);
  return { ready, unready };
}

export function alwaysReadyOf(status: ControlPlaneStatus): string[] {
  const v = status.annotations?.[ALWAYS_READY_COMPONENTS];
  return v ? v.split(',') : [];
}

/** updateReadinessStatus: the Ready condition, readyComponentCount and readiness.components. */
export function updateReadiness(status: ControlPlaneStatus, readiness: { ready: Set<string>; unready: Set<string> }, now: Date): StatusEvent | undefined {
  let event: StatusEvent | undefined;
  const readyCond = getCondition(status.conditions, C.Ready);
  const reconciled = getCondition(status.conditions, C.Reconciled);
  if (reconciled.status !== 'True') {
    if (!conditionMatches(readyCond, reconciled.status, reconciled.reason, reconciled.message)) {
      status.conditions = setCondition(status.conditions, { type: C.Ready, status: reconciled.status, ...(reconciled.reason ? { reason: reconciled.reason } : {}), ...(reconciled.message ? { message: reconciled.message } : {}) }, now);
    }
  } else if (readiness.unready.size > 0) {
    const message = `The following components are not fully available: ${goList([...readiness.unready].sort())}`;
    if (!conditionMatches(readyCond, 'False', R.ComponentsNotReady, message)) {
      status.conditions = setCondition(status.conditions, { type: C.Ready, status: 'False', reason: R.ComponentsNotReady, message }, now);
      event = { type: 'Warning', reason: 'NotReady', message };
    }
  } else {
    const message = 'All component deployments are Available';
    if (!conditionMatches(readyCond, 'True', R.ComponentsReady, message)) {
      status.conditions = setCondition(status.conditions, { type: C.Ready, status: 'True', reason: R.ComponentsReady, message }, now);
      event = { type: 'Normal', reason: 'Ready', message };
    }
  }
  const all = (status.components ?? []).map((c) => c.resource);
  status.annotations = { ...(status.annotations ?? {}), [READY_COMPONENT_COUNT]: `${readiness.ready.size}/${all.length}` };
  status.readiness = {
    components: {
      ready: [...readiness.ready].sort(),
      unready: [...readiness.unready].sort(),
      pending: all.filter((c) => !readiness.ready.has(c) && !readiness.unready.has(c)).sort(),
    },
  };
  return event;
}
