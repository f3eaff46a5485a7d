/**
 * What a Knative Service owns (knative/serving pkg/reconciler/service/resources): one
 * Configuration and one Route, both named after the Service and controlled by it.
 *
 * - The Configuration gets the Service's labels plus `serving.knative.dev/service` and
 *   `…/serviceUID`, the Service's annotations minus last-applied-configuration and the
 *   rollout-duration keys, and `serving.knative.dev/routes` listing the Routes that send it
 *   traffic (the ones already recorded there, plus this Service's Route).
 * - The Route gets the Service's labels plus `serving.knative.dev/service`, the annotations
 *   minus last-applied-configuration, and the Service's traffic block with every target
 *   that names no revision pointed at the Service's Configuration.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingAnnotations, ServingLabels } from '../../../api/knative/serving/keys.ts';
import { newControllerRef } from '../../core/replicaset/resources/controller-ref.ts';
import { KINDS } from '../shared/contracts.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Spec = Record<string, unknown> & { traffic?: Array<Record<string, unknown>>; template?: unknown };

const specOf = (svc: KubeObject): Spec => (svc.spec ?? {}) as Spec;

function without(map: Record<string, string> | undefined, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** The Route names in a comma-separated `serving.knative.dev/routes` annotation. */
export function routesIn(annotations: Record<string, string> | undefined): string[] {
  const value = annotations?.[ServingAnnotations.routes] ?? '';
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The Configuration the Service wants, given the live one (whose routes annotation it keeps). */
export function makeConfiguration(svc: KubeObject, existing?: KubeObject): KubeObject {
  const annotations = without(svc.metadata.annotations, [LAST_APPLIED, ...ServingAnnotations.rolloutDuration]);
  const routes = new Set(routesIn(existing?.metadata.annotations));
  routes.add(svc.metadata.name!);
  annotations[ServingAnnotations.routes] = [...routes].sort().join(',');
  const spec = specOf(svc);
  return {
    apiVersion: KINDS.configuration.apiVersion,
    kind: KINDS.configuration.kind,
    metadata: {
      name: svc.metadata.name,
      namespace: svc.metadata.namespace,
      ownerReferences: [newControllerRef(svc)],
      labels: { ...(svc.metadata.labels ?? {}), [ServingLabels.service]: svc.metadata.name!, [ServingLabels.serviceUID]: svc.metadata.uid! },
      annotations,
    },
    spec: spec.template === undefined ? {} : { template: spec.template },
  };
}

export function makeRoute(svc: KubeObject): KubeObject {
  const traffic = (specOf(svc).traffic ?? []).map((t) => (t.revisionName ? { ...t } : { ...t, configurationName: svc.metadata.name }));
  return {
    apiVersion: KINDS.route.apiVersion,
    kind: KINDS.route.kind,
    metadata: {
      name: svc.metadata.name,
      namespace: svc.metadata.namespace,
      ownerReferences: [newControllerRef(svc)],
      labels: { ...(svc.metadata.labels ?? {}), [ServingLabels.service]: svc.metadata.name! },
      annotations: without(svc.metadata.annotations, [LAST_APPLIED]),
    },
    spec: traffic.length > 0 ? { traffic } : {},
  };
}
