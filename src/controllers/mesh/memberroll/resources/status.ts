/**
 * A member roll's status, as Maistra's member-roll controller writes it: the member lists
 * (always lists, never null), each member's Reconciled condition, the Ready condition
 * (Configured, ErrSMCPMissing, ReconcileError …), and `configuredMemberCount` —
 * `<configured>/<members>`, the READY column.
 */
import type { KubeObject } from '../../../../api/object.ts';
import { SMMR_REASON as R } from '../../../../api/mesh/conditions.ts';
import { type MeshCondition, getCondition, goList, setCondition } from '../../shared/conditions.ts';

export interface MemberStatusSummary {
  namespace: string;
  conditions: MeshCondition[];
}

export interface MemberRollStatus {
  annotations?: Record<string, string>;
  observedGeneration?: number;
  meshGeneration?: number;
  meshReconciledVersion?: string;
  members: string[];
  configuredMembers: string[];
  pendingMembers: string[];
  terminatingMembers: string[];
  conditions: MeshCondition[];
  memberStatuses: MemberStatusSummary[];
}

export const CONFIGURED_MEMBER_COUNT = 'configuredMemberCount';

export function rollStatusOf(roll: KubeObject): MemberRollStatus {
  const s = structuredClone((roll.status ?? {}) as Partial<MemberRollStatus>);
  return { ...s, members: s.members ?? [], configuredMembers: s.configuredMembers ?? [], pendingMembers: s.pendingMembers ?? [], terminatingMembers: s.terminatingMembers ?? [], conditions: s.conditions ?? [], memberStatuses: s.memberStatuses ?? [] };
}

/** Sets a member's condition in the summary map, keeping its lastTransitionTime while the status holds. */
export function setMemberCondition(map: Map<string, MemberStatusSummary>, namespace: string, condition: MeshCondition, now: Date): void {
  const summary = map.get(namespace) ?? { namespace, conditions: [] };
  map.set(namespace, { namespace, conditions: setCondition(summary.conditions, condition, now) });
}

export function setReady(status: MemberRollStatus, ready: boolean, reason: string, message: string, now: Date): void {
  status.conditions = setCondition(status.conditions, { type: 'Ready', status: ready ? 'True' : 'False', reason, message }, now);
}

export interface MeshView {
  /** The control plane's reconciled version (`<operatorVersion>-<observedGeneration>`) and observed generation. */
  reconciledVersion: string;
  observedGeneration: number;
}

/** Fills the lists, member statuses and Ready condition; `mesh` undefined when the namespace has no control plane. */
export function summarize(status: MemberRollStatus, input: {
  required: Set<string>;
  members: readonly KubeObject[];
  meshNamespace: string;
  mesh: (MeshView & { name: string }) | undefined;
  memberStatusMap: Map<string, MemberStatusSummary>;
  generation: number;
}, now: Date): void {
  const all = new Set(input.required);
  for (const m of input.members) all.add(m.metadata.namespace!);
  all.delete(input.meshNamespace);
  const configured = new Set<string>();
  const upToDate = new Set<string>();
  const terminating = new Set<string>();
  for (const m of input.members) {
    const ns = m.metadata.namespace!;
    if (m.metadata.deletionTimestamp) terminating.add(ns);
    else {
      const ref = ((m.spec ?? {}) as { controlPlaneRef?: { name?: string; namespace?: string } }).controlPlaneRef ?? {};
      const st = (m.status ?? {}) as { conditions?: MeshCondition[]; meshReconciledVersion?: string };
      const reconciled = getCondition(st.conditions, 'Reconciled');
      if (input.mesh && ref.name === input.mesh.name && ref.namespace === input.meshNamespace && reconciled.status === 'True') {
        configured.add(ns);
        if (st.meshReconciledVersion === input.mesh.reconciledVersion) upToDate.add(ns);
      }
    }
    const reconciled = getCondition(((m.status ?? {}) as { conditions?: MeshCondition[] }).conditions, 'Reconciled');
    setMemberCondition(input.memberStatusMap, ns, reconciled, now);
  }
  const sorted = (s: Iterable<string>) => [...s].sort();
  status.members = sorted(all);
  status.pendingMembers = status.members.filter((n) => !upToDate.has(n) && !terminating.has(n));
  status.configuredMembers = sorted(configured);
  status.terminatingMembers = sorted(terminating);
  // Go's omitempty: a zero generation and an empty version are left out.
  if (input.mesh?.observedGeneration) status.meshGeneration = input.mesh.observedGeneration;
  else delete status.meshGeneration;
  if (input.mesh?.reconciledVersion) status.meshReconciledVersion = input.mesh.reconciledVersion;
  else delete status.meshReconciledVersion;
  status.memberStatuses = status.members.map((ns) => input.memberStatusMap.get(ns) ?? { namespace: ns, conditions: [] });
  if (!input.mesh) setReady(status, false, R.ErrSMCPMissing, 'No ServiceMeshControlPlane exists in the namespace', now);
  else if (status.pendingMembers.length > 0) setReady(status, false, R.ReconcileError, `The following namespaces are not yet configured: ${goList(status.pendingMembers)}`, now);
  else setReady(status, true, R.Configured, 'All namespaces have been configured successfully', now);
  finish(status, input.generation);
}

/** What every status write carries: observedGeneration and the READY count. */
export function finish(status: MemberRollStatus, generation: number): void {
  status.observedGeneration = generation;
  status.annotations = { ...(status.annotations ?? {}), [CONFIGURED_MEMBER_COUNT]: `${status.configuredMembers.length}/${status.members.length}` };
}
