/**
 * The Revision a Configuration stamps out of its template (pkg/reconciler/configuration/
 * resources/revision.go): named `<config>-<generation, 5 digits>` unless the template names
 * it, labelled with the Configuration (name, uid, generation) and its Service, routing state
 * `pending` — `active` at once when the Configuration already serves a Route — and the
 * Configuration's last modifier as the Revision's creator.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingAnnotations, ServingLabels } from '../../../api/knative/serving/keys.ts';
import { childName } from '../../../api/knative/util/kmeta.ts';
import { newControllerRef } from '../../core/replicaset/resources/controller-ref.ts';
import { KINDS } from '../shared/contracts.ts';

interface Template {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export const templateOf = (config: KubeObject): Template => ((config.spec ?? {}) as { template?: Template }).template ?? {};

/** The value a Revision carries under `key` for its Configuration (RevisionLabelValueForKey). */
export function revisionLabelValue(key: string, config: KubeObject): string {
  switch (key) {
    case ServingLabels.configuration: return config.metadata.name ?? '';
    case ServingLabels.service: return config.metadata.labels?.[ServingLabels.service] ?? '';
    case ServingLabels.configurationGeneration: return String(config.metadata.generation ?? 0);
    case ServingLabels.configurationUID: return config.metadata.uid ?? '';
    case ServingLabels.serviceUID: return config.metadata.labels?.[ServingLabels.serviceUID] ?? '';
    default: return '';
  }
}

const LABEL_KEYS = [ServingLabels.configuration, ServingLabels.service, ServingLabels.configurationGeneration, ServingLabels.configurationUID, ServingLabels.serviceUID];

export function revisionNameFor(config: KubeObject): string {
  return templateOf(config).metadata?.name || childName(config.metadata.name!, `-${String(config.metadata.generation ?? 0).padStart(5, '0')}`);
}

/** RFC 3339 to the second, as metav1.Time marshals. */
const stamp = (t: Date): string => t.toISOString().replace(/\.\d+Z$/, 'Z');

export function makeRevision(config: KubeObject, now: Date): KubeObject {
  const template = templateOf(config);
  const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
  const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
  let routingState = 'pending';
  for (const key of LABEL_KEYS) {
    const value = revisionLabelValue(key, config);
    if (value !== '') labels[key] = value;
  }
  const configAnnotations = config.metadata.annotations ?? {};
  const modifier = configAnnotations[ServingAnnotations.lastModifier];
  if (modifier !== undefined) annotations[ServingAnnotations.creator] = modifier;
  const routes = configAnnotations[ServingAnnotations.routes];
  if (routes !== undefined) {
    annotations[ServingAnnotations.routes] = routes;
    routingState = 'active';
  }
  labels[ServingLabels.routingState] = routingState;
  annotations[ServingAnnotations.routingStateModified] = stamp(now);
  return {
    apiVersion: KINDS.revision.apiVersion,
    kind: KINDS.revision.kind,
    metadata: {
      name: revisionNameFor(config),
      namespace: config.metadata.namespace,
      labels,
      annotations,
      ownerReferences: [newControllerRef(config)],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}
