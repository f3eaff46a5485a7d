/**
 * Names, labels, annotations and owner references of what a Revision owns (knative/serving
 * pkg/reconciler/revision/resources/meta.go, names/names.go): the Deployment
 * `<rev>-deployment` and the PodAutoscaler `<rev>` carry the revision's labels (minus the
 * route bookkeeping ones) plus `serving.knative.dev/revision`, `…/revisionUID` and `app`.
 * Written after Knative 1.15 (the release skiff reproduces).
 */
import type { KubeObject, OwnerReference } from '../../../../api/object.ts';
import { ServingAnnotations, ServingLabels } from '../../../../api/knative/serving/keys.ts';
import { childName } from '../../../../api/knative/util/kmeta.ts';

export const APP_LABEL = 'app';
export const QUEUE_CONTAINER_NAME = 'queue-proxy';

const EXCLUDED_LABELS = new Set<string>([ServingLabels.route, ServingLabels.routingState]);
const EXCLUDED_ANNOTATIONS = new Set<string>([ServingAnnotations.lastPinned, ServingAnnotations.noGC, ServingAnnotations.routingStateModified, ServingAnnotations.routes]);

export const deploymentName = (revisionName: string): string => childName(revisionName, '-deployment');
export const podAutoscalerName = (revisionName: string): string => revisionName;

/** kmeta.NewControllerRef: the owner reference that makes `owner` the controller. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** metav1.IsControlledBy: the object's controller reference names `owner` by uid. */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === owner.metadata.uid);
}

export function revisionLabels(rev: KubeObject): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(rev.metadata.labels ?? {})) if (!EXCLUDED_LABELS.has(k)) labels[k] = v;
  labels[ServingLabels.revision] = rev.metadata.name!;
  labels[ServingLabels.revisionUID] = rev.metadata.uid!;
  // An `app` label the user set wins; otherwise tracing gets the revision name.
  if (labels[APP_LABEL] === undefined) labels[APP_LABEL] = rev.metadata.name!;
  return labels;
}

/**
 * The annotations of the Deployment, its pod template and the PodAutoscaler (1.15's
 * makeAnnotations): the revision's, without the routing bookkeeping. They include the
 * template's `sidecar.istio.io/inject`, which is what meshes the revision's pods.
 */
export function revisionAnnotations(rev: KubeObject): Record<string, string> {
  return Object.fromEntries(Object.entries(rev.metadata.annotations ?? {}).filter(([k]) => !EXCLUDED_ANNOTATIONS.has(k)));
}

export function revisionSelector(rev: KubeObject): { matchLabels: Record<string, string> } {
  return { matchLabels: { [ServingLabels.revisionUID]: rev.metadata.uid! } };
}
