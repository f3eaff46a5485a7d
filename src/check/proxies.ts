/**
 * Sidecars of a mesh's member namespaces. What this can see today is injection and pod
 * readiness: a pod that asks for a sidecar but has no `sidecar.istio.io/status` was created
 * before injection was on (or injection failed), and a meshed pod that is not Ready is not
 * serving. Whether each proxy runs the latest configuration is proxy-sync.ts.
 */
import type { KubeObject } from '../api/object.ts';
import { fullName, meshOfNamespace, namespaceOf, statusOf } from './objects.ts';
import { type CheckResult, type ClusterSnapshot, failed, passed, warned } from './types.ts';
import { meshMembership } from './workloads.ts';

interface PodStatus {
  phase: string;
  conditions: Array<{ type: string; status: string }>;
  containerStatuses: Array<{ name: string; ready: boolean }>;
}

export function proxyChecks(snapshot: ClusterSnapshot, meshNamespace: string): CheckResult[] {
  const pods = snapshot.pods.filter((p) => meshOfNamespace(snapshot.namespaces, namespaceOf(p)) === meshNamespace && p.metadata.deletionTimestamp === undefined && !finished(p));
  const meshed = pods.filter((p) => meshMembership(snapshot, p).meshed);
  const notInjected = meshed.filter((p) => !meshMembership(snapshot, p).hasSidecar);
  const injected = meshed.filter((p) => meshMembership(snapshot, p).hasSidecar);
  const notReady = injected.filter((p) => !ready(p));

  const injectedDescription = `meshed pods of ${meshNamespace} have their sidecar injected`;
  const readyDescription = `sidecars of ${meshNamespace} are running and ready (${injected.length - notReady.length}/${injected.length})`;
  return [
    notInjected.length === 0
      ? passed(injectedDescription)
      : warned(injectedDescription, `${notInjected.map(fullName).join(', ')} ask${notInjected.length === 1 ? 's' : ''} for a sidecar but ${notInjected.length === 1 ? 'has' : 'have'} none (no ${'sidecar.istio.io/status'} annotation)`, 'Pods get a sidecar when they are created: restart the workload (kubectl rollout restart deployment -n NAMESPACE NAME) now that its namespace is a mesh member.'),
    notReady.length === 0
      ? passed(readyDescription)
      : failed(readyDescription, `not ready: ${notReady.map((p) => `${fullName(p)} (${statusOf<PodStatus>(p).phase ?? 'Pending'})`).join(', ')}`, 'Look at the pod: kubectl describe pod -n NAMESPACE NAME and kubectl logs -n NAMESPACE NAME -c istio-proxy.'),
  ];
}

function ready(pod: KubeObject): boolean {
  return statusOf<PodStatus>(pod).conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function finished(pod: KubeObject): boolean {
  const phase = statusOf<PodStatus>(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
