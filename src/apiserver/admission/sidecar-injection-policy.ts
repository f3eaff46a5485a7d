/**
 * Whether a pod gets a sidecar, as Maistra's injector decides it. Maistra's webhook only sees
 * pods in namespaces that are mesh members (namespaceSelector `maistra.io/member-of`), and its
 * injection policy is `disabled`: a pod is injected only when it asks to be, with the label or
 * annotation `sidecar.istio.io/inject` (the label wins, as in Istio's injectRequired). Pods on
 * the host network, and pods already injected, are left alone.
 */
import type { KubeObject } from '../../api/object.ts';

export const MEMBER_OF_LABEL = 'maistra.io/member-of';
export const INJECT_KEY = 'sidecar.istio.io/inject';
export const STATUS_ANNOTATION = 'sidecar.istio.io/status';

export type InjectionDecision = { inject: true; meshNamespace: string } | { inject: false; reason: string };

/** Istio's accepted "yes" spellings for `sidecar.istio.io/inject`. */
const YES = new Set(['y', 'yes', 'true', 'on']);

export function injectionDecision(pod: KubeObject, namespaceLabels: Record<string, string> | undefined): InjectionDecision {
  const meshNamespace = namespaceLabels?.[MEMBER_OF_LABEL];
  if (!meshNamespace) return { inject: false, reason: 'namespace is not a mesh member' };
  const spec = (pod.spec ?? {}) as { hostNetwork?: boolean };
  if (spec.hostNetwork === true) return { inject: false, reason: 'pod uses the host network' };
  const annotations = pod.metadata.annotations ?? {};
  if (annotations[STATUS_ANNOTATION] !== undefined) return { inject: false, reason: 'pod is already injected' };
  const asked = pod.metadata.labels?.[INJECT_KEY] ?? annotations[INJECT_KEY] ?? '';
  if (!YES.has(asked.toLowerCase())) return { inject: false, reason: 'pod does not ask for injection (policy: disabled)' };
  return { inject: true, meshNamespace };
}
