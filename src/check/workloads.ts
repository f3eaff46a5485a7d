/**
 * Finding the pod behind a name the user gives (`ns/pod`, `ns/deployment`, `ns/app`) and
 * telling whether a pod is meshed: its namespace is a mesh member (`maistra.io/member-of`)
 * and it has a sidecar (`sidecar.istio.io/status`, written by injection) or asks for one
 * (`sidecar.istio.io/inject: "true"`).
 */
import type { KubeObject } from '../api/object.ts';
import { INJECT_ANNOTATION, SIDECAR_STATUS_ANNOTATION, annotationsOf, labelsOf, meshOfNamespace, nameOf, namespaceOf, statusOf } from './objects.ts';
import type { ClusterSnapshot } from './types.ts';

export interface WorkloadName {
  namespace: string;
  name: string;
}

/** `ns/name`, or a bare `name` in `defaultNamespace`; undefined when malformed. */
export function parseWorkloadName(text: string, defaultNamespace = 'default'): WorkloadName | undefined {
  const parts = text.split('/');
  const [namespace, name] = parts.length === 1 ? [defaultNamespace, parts[0]] : parts;
  if (parts.length > 2 || !namespace || !name) return undefined;
  return { namespace, name };
}

/**
 * The pod a name stands for: the pod of that name; else a pod of the workload of that name
 * (owned by it, or by one of its ReplicaSets `<name>-<hash>`); else a pod labelled
 * `app=<name>`. Running and ready pods first.
 */
export function resolvePod(snapshot: ClusterSnapshot, ref: WorkloadName): KubeObject | undefined {
  const inNamespace = snapshot.pods.filter((p) => namespaceOf(p) === ref.namespace && p.metadata.deletionTimestamp === undefined);
  const exact = inNamespace.find((p) => nameOf(p) === ref.name);
  if (exact !== undefined) return exact;
  const owned = inNamespace.filter((p) => (p.metadata.ownerReferences ?? []).some((o) => o.name === ref.name || (o.kind === 'ReplicaSet' && o.name.startsWith(`${ref.name}-`) && !o.name.slice(ref.name.length + 1).includes('-'))));
  const labelled = inNamespace.filter((p) => labelsOf(p).app === ref.name);
  return [...owned, ...labelled].sort((a, b) => rank(b) - rank(a))[0];
}

function rank(pod: KubeObject): number {
  const status = statusOf<{ phase: string; conditions: Array<{ type: string; status: string }> }>(pod);
  return (status.phase === 'Running' ? 2 : 0) + (status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 1 : 0);
}

export interface MeshMembership {
  /** The mesh (control plane namespace) of the pod's namespace, if a member. */
  mesh?: string;
  /** Injection wrote its status: the pod has a sidecar. */
  hasSidecar: boolean;
  /** The pod asks for injection (annotation or label `sidecar.istio.io/inject: "true"`). */
  injectionRequested: boolean;
  meshed: boolean;
}

export function meshMembership(snapshot: ClusterSnapshot, pod: KubeObject): MeshMembership {
  const mesh = meshOfNamespace(snapshot.namespaces, namespaceOf(pod));
  const hasSidecar = annotationsOf(pod)[SIDECAR_STATUS_ANNOTATION] !== undefined;
  const injectionRequested = annotationsOf(pod)[INJECT_ANNOTATION] === 'true' || labelsOf(pod)[INJECT_ANNOTATION] === 'true';
  return { ...(mesh !== undefined ? { mesh } : {}), hasSidecar, injectionRequested, meshed: mesh !== undefined && (hasSidecar || injectionRequested) };
}

/** Ports listed in a `traffic.sidecar.istio.io/*Ports` annotation (comma-separated; `*` = all). */
export function annotatedPorts(pod: KubeObject, annotation: string): { all: boolean; ports: Set<number> } {
  const value = annotationsOf(pod)[annotation] ?? '';
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  return { all: items.includes('*'), ports: new Set(items.map(Number).filter((n) => Number.isInteger(n) && n > 0)) };
}
