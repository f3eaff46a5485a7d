/**
 * Health of each mesh's control plane as Maistra reports it: the ServiceMeshControlPlane's
 * Reconciled and Ready conditions, and its ServiceMeshMemberRoll (Ready, no pending
 * members).
 */
import type { KubeObject } from '../api/object.ts';
import { conditionOf, fullName, nameOf, namespaceOf, statusOf } from './objects.ts';
import { type CheckResult, type ClusterSnapshot, failed, passed, warned } from './types.ts';

/** The control planes to check: those in `meshNamespace`, or all of them. */
export function controlPlanesIn(snapshot: ClusterSnapshot, meshNamespace: string | undefined): KubeObject[] {
  return snapshot.controlPlanes.filter((p) => meshNamespace === undefined || namespaceOf(p) === meshNamespace);
}

export function controlPlaneExistsCheck(planes: readonly KubeObject[], meshNamespace: string | undefined): CheckResult {
  const where = meshNamespace === undefined ? 'the cluster' : `namespace ${meshNamespace}`;
  const description = `a ServiceMeshControlPlane exists in ${where}`;
  if (planes.length > 0) return passed(description);
  return failed(description, `no ServiceMeshControlPlane found in ${where}`, 'Apply one (seed 002 §1.4.2, e.g. `kubectl apply -f smcp.yaml` with kind ServiceMeshControlPlane in istio-system), or pass -n with the namespace of your mesh.');
}

export function controlPlaneReadyCheck(plane: KubeObject): CheckResult {
  const description = `ServiceMeshControlPlane ${fullName(plane)} is Ready`;
  const ready = conditionOf(plane, 'Ready');
  if (ready?.status === 'True') return passed(description);
  const reconciled = conditionOf(plane, 'Reconciled');
  const say = (type: string, c: typeof ready) => (c === undefined ? `${type}: not reported yet` : `${type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`.trim());
  const unready = statusOf<{ readiness: { components: { unready?: string[]; pending?: string[] } } }>(plane).readiness?.components;
  const components = [...(unready?.unready ?? []), ...(unready?.pending ?? [])];
  return failed(
    description,
    `${say('Reconciled', reconciled)}; ${say('Ready', ready)}${components.length > 0 ? `; components not ready: ${components.join(', ')}` : ''}`,
    `See what the operator reports with \`kubectl describe smcp -n ${namespaceOf(plane)} ${nameOf(plane)}\` and the control plane's pods with \`kubectl get pods -n ${namespaceOf(plane)}\`; fix the spec field the message names.`,
  );
}

interface MemberRollStatus {
  members: string[];
  pendingMembers: string[];
  memberStatuses: Array<{ namespace: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> }>;
}

export function memberRollCheck(snapshot: ClusterSnapshot, meshNamespace: string): CheckResult {
  const description = `ServiceMeshMemberRoll ${meshNamespace}/default is Ready with every member configured`;
  const roll = snapshot.memberRolls.find((r) => namespaceOf(r) === meshNamespace && nameOf(r) === 'default');
  if (roll === undefined) {
    return warned(description, `no ServiceMeshMemberRoll in ${meshNamespace}: no namespace is part of this mesh`, `Create ServiceMeshMemberRoll "default" in ${meshNamespace} listing the namespaces to mesh (seed 002 §1.4.2: knative-serving, knative-eventing and your application namespaces).`);
  }
  const status = statusOf<MemberRollStatus>(roll);
  const pending = status.pendingMembers ?? [];
  const ready = conditionOf(roll, 'Ready');
  if (ready?.status === 'True' && pending.length === 0) return passed(description);
  const reasons = (status.memberStatuses ?? [])
    .filter((m) => pending.includes(m.namespace))
    .map((m) => {
      const c = m.conditions?.find((x) => x.type === 'Reconciled');
      return `${m.namespace}: ${c?.reason ?? 'pending'}${c?.message ? ` (${c.message})` : ''}`;
    });
  const readyText = ready === undefined ? 'Ready not reported yet' : `Ready=${ready.status} ${ready.reason ?? ''}${ready.message ? `: ${ready.message}` : ''}`.trim();
  return failed(
    description,
    `${readyText}${pending.length > 0 ? `; pending members: ${pending.join(', ')}` : ''}${reasons.length > 0 ? `; ${reasons.join('; ')}` : ''}`,
    `A member stays pending while its namespace does not exist or cannot be configured: create the namespaces (kubectl create namespace NAME) or remove them from the member roll (kubectl edit smmr -n ${meshNamespace} default).`,
  );
}
