/**
 * KnativeServing (operator.knative.dev/v1beta1) as OpenShift Serverless serves it: the
 * shipped CRD keeps all of `spec` (x-kubernetes-preserve-unknown-fields), its mutating
 * webhook drops `spec.registry.override` and turns Kourier on when `spec.ingress` enables
 * no ingress, and its validating webhook allows one KnativeServing, in knative-serving.
 */
import type { FieldError } from '../field-error.ts';
import type { KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { crdKind } from '../mesh/crd-kind.ts';
import { asRecord } from '../mesh/fields.ts';
import { SERVING_NAMESPACE, operatorColumns, requireAlone, requireNamespace } from './operator-kind.ts';
import { OPERATOR_SCHEMAS } from './schemas/index.ts';

const KIND = 'KnativeServing';

/** The Serverless operator overrides image registries itself; a user override is dropped. */
export function dropRegistryOverride(obj: KubeObject): void {
  const registry = asRecord(asRecord(obj.spec)?.registry);
  if (registry) delete registry.override;
}

export function defaultKnativeServing(obj: KubeObject): void {
  dropRegistryOverride(obj);
  const ingress = asRecord(asRecord(obj.spec)?.ingress);
  if (!ingress) return;
  const enabled = (name: string): boolean => asRecord(ingress[name])?.enabled === true;
  if (!enabled('istio') && !enabled('kourier') && !enabled('contour')) {
    ingress.kourier = { ...(asRecord(ingress.kourier) ?? {}), enabled: true };
  }
}

export function validateKnativeServing(obj: KubeObject): FieldError[] {
  return requireNamespace(KIND, obj, SERVING_NAMESPACE);
}

/** The webhook's store-dependent rule: one KnativeServing per namespace. */
export function validateKnativeServingAdmission(obj: KubeObject, existing: { knativeServings: readonly KubeObject[] }): FieldError[] {
  return requireAlone(KIND, obj, existing.knativeServings);
}

export function knativeServingKind(): KindDefinition {
  return crdKind({
    group: 'operator.knative.dev',
    kind: KIND,
    plural: 'knativeservings',
    versions: [{ name: 'v1beta1', storage: true, schema: OPERATOR_SCHEMAS.knativeServing.v1beta1, printerColumns: operatorColumns('"') }],
    defaults: defaultKnativeServing,
    validate: (obj) => validateKnativeServing(obj),
  });
}
