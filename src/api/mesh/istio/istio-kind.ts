/**
 * Shared shape of the Istio kinds. OSSM 2.x installs Istio 1.18/1.20 CRDs (networking
 * v1alpha3 storage + v1beta1; security v1beta1 storage, AuthorizationPolicy also v1).
 * skiff also serves `v1` with the v1beta1 schema, as Istio 1.22+ does, so `v1` is the
 * preferred version in discovery (docs/kinds-mesh.md explains the choice).
 */
import type { KindDefinition, PrinterColumn } from '../../kind.ts';
import type { JSONSchemaProps } from '../../schema-types.ts';
import { ageColumn, crdKind } from '../crd-kind.ts';
import type { KindBehaviour } from '../crd-kind.ts';

/** The Age column as the Istio CRDs that declare columns describe it. */
export const ISTIO_AGE_COLUMN: PrinterColumn = ageColumn(
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC. Populated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/api-conventions.md#metadata',
);

export const NETWORKING_GROUP = 'networking.istio.io';
export const SECURITY_GROUP = 'security.istio.io';

const CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  [NETWORKING_GROUP]: ['istio-io', 'networking-istio-io'],
  [SECURITY_GROUP]: ['istio-io', 'security-istio-io'],
};

export interface IstioKindInput extends KindBehaviour {
  group: typeof NETWORKING_GROUP | typeof SECURITY_GROUP;
  kind: string;
  plural: string;
  shortNames?: readonly string[];
  /** Upstream schemas per version; `v1` is added from `v1beta1` when upstream lacks it. */
  schemas: { v1alpha3?: JSONSchemaProps; v1beta1: JSONSchemaProps; v1?: JSONSchemaProps };
  storage: 'v1alpha3' | 'v1beta1';
  printerColumns?: readonly PrinterColumn[];
}

export function istioKind(input: IstioKindInput): KindDefinition {
  const { schemas } = input;
  const versions = [
    { name: 'v1', schema: schemas.v1 ?? schemas.v1beta1 },
    { name: 'v1beta1', schema: schemas.v1beta1 },
    ...(schemas.v1alpha3 ? [{ name: 'v1alpha3', schema: schemas.v1alpha3 }] : []),
  ].map((v) => ({ ...v, storage: v.name === input.storage, ...(input.printerColumns ? { printerColumns: input.printerColumns } : {}) }));
  return crdKind({
    group: input.group,
    kind: input.kind,
    plural: input.plural,
    shortNames: input.shortNames ?? [],
    categories: CATEGORIES[input.group]!,
    versions,
    ...(input.defaults ? { defaults: input.defaults } : {}),
    ...(input.validate ? { validate: input.validate } : {}),
    ...(input.warnings ? { warnings: input.warnings } : {}),
  });
}
