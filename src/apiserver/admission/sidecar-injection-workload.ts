/**
 * The workload a pod belongs to and its canonical service, as Istio's injector derives them
 * (GetDeployMetaFromPod, ExtractCanonicalServiceLabels): a ReplicaSet's pod belongs to its
 * Deployment (the ReplicaSet's name minus the pod-template-hash), a Job's to its CronJob
 * when the Job's name ends in the CronJob's schedule suffix, any other controlled pod to its
 * controller, and a bare pod to itself. Telemetry and the proxy's metadata use these names.
 */
import type { KubeObject, OwnerReference } from '../../api/object.ts';

export interface WorkloadMeta {
  name: string;
  /** `kubernetes://apis/<apiVersion>/namespaces/<ns>/<kind>s/<name>` (Istio's ISTIO_META_OWNER). */
  owner: string;
}

export function workloadOf(pod: KubeObject): WorkloadMeta {
  const namespace = pod.metadata.namespace || 'default';
  const podName = pod.metadata.name || (pod.metadata.generateName ?? '').replace(/-$/, '');
  const controller = (pod.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  const { apiVersion, kind, name } = controller ? workloadFromController(controller, pod) : { apiVersion: 'v1', kind: 'Pod', name: podName };
  return { name, owner: `kubernetes://apis/${apiVersion}/namespaces/${namespace}/${kind.toLowerCase()}s/${name}` };
}

function workloadFromController(ref: OwnerReference, pod: KubeObject): { apiVersion: string; kind: string; name: string } {
  if (ref.kind === 'ReplicaSet') {
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (hash && ref.name.endsWith(`-${hash}`)) return { apiVersion: 'apps/v1', kind: 'Deployment', name: ref.name.slice(0, -(hash.length + 1)) };
  }
  if (ref.kind === 'ReplicationController' && pod.metadata.labels?.deploymentconfig) return { apiVersion: ref.apiVersion, kind: 'DeploymentConfig', name: pod.metadata.labels.deploymentconfig };
  if (ref.kind === 'Job') {
    // A CronJob names its Jobs `<cronjob>-<scheduled time in minutes>`.
    const m = /^(.+)-\d{8,11}$/.exec(ref.name);
    if (m) return { apiVersion: 'batch/v1', kind: 'CronJob', name: m[1]! };
  }
  return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name };
}

/** `service.istio.io/canonical-name` and `-revision`: the pod's own labels first, then Istio's fallbacks. */
export function canonicalLabels(labels: Record<string, string>, workloadName: string): { name: string; revision: string } {
  const name = labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? workloadName;
  const revision = labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
  return { name, revision };
}
