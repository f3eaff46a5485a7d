/**
 * KnativeEventing (operator.knative.dev/v1beta1) as OpenShift Serverless serves it: all of
 * `spec` is kept (x-kubernetes-preserve-unknown-fields), the mutating webhook drops
 * `spec.registry.override`, and the validating webhook allows one KnativeEventing, in
 * knative-eventing.
 */
import type { FieldError } from '../field-error.ts';
import type { KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { crdKind } from '../mesh/crd-kind.ts';
import { dropRegistryOverride } from './knative-serving.ts';
import { EVENTING_NAMESPACE, operatorColumns, requireAlone, requireNamespace } from './operator-kind.ts';
import { OPERATOR_SCHEMAS } from './schemas/index.ts';

const KIND = 'KnativeEventing';

export function validateKnativeEventing(obj: KubeObject): FieldError[] {
  return requireNamespace(KIND, obj, EVENTING_NAMESPACE);
}

/** The webhook's store-dependent rule: one KnativeEventing per namespace. */
export function validateKnativeEventingAdmission(obj: KubeObject, existing: { knativeEventings: readonly KubeObject[] }): FieldError[] {
  return requireAlone(KIND, obj, existing.knativeEventings);
}

export function knativeEventingKind(): KindDefinition {
  return crdKind({
    group: 'operator.knative.dev',
    kind: KIND,
    plural: 'knativeeventings',
    versions: [{ name: 'v1beta1', storage: true, schema: OPERATOR_SCHEMAS.knativeEventing.v1beta1, printerColumns: operatorColumns('"') }],
    defaults: dropRegistryOverride,
    validate: (obj) => validateKnativeEventing(obj),
  });
}
