/**
 * A CustomResourceDefinition (apiextensions.k8s.io/v1) as a served kind. Names come from
 * `status.acceptedNames` once the API server accepted them (discovery serves those), else
 * from `spec.names` with the v1 defaults; versions appear in Kubernetes' version priority,
 * so the first served one is the group's preferred version. Each version's schema is the
 * CRD's `openAPIV3Schema` as written (metadata is handled by the API server for every
 * non-builtin kind, as apiextensions-apiserver does).
 *
 * Conversion webhooks are not called: every served version stores and returns objects of
 * the same shape, which is what the seed CRDs (single-schema Knative/Maistra kinds) need.
 */
import type { KindDefinition, KindVersion, PrinterColumn, ScaleSubresource } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import type { JSONSchemaProps } from '../schema-types.ts';
import { isObj, obj, objs, str, strs, type Obj } from '../builtin/util/obj.ts';
import { compareKubeVersions } from './version-priority.ts';

/** A schema that keeps whatever it is given, for a version that declares none. */
const PRESERVE_ALL: JSONSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const COLUMN_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'date']);

export interface CrdNames {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
}

/** The names discovery serves: accepted ones when set, else the spec's with v1 defaults. */
export function servedNames(crd: KubeObject): CrdNames {
  const accepted = obj(obj(crd.status).acceptedNames);
  const source = str(accepted.plural) !== '' && str(accepted.kind) !== '' ? accepted : obj(obj(crd.spec).names);
  const kind = str(source.kind);
  return {
    plural: str(source.plural),
    singular: str(source.singular) || kind.toLowerCase(),
    kind,
    listKind: str(source.listKind) || `${kind}List`,
    shortNames: strs(source.shortNames),
    categories: strs(source.categories),
  };
}

function printerColumns(v: Obj): PrinterColumn[] | undefined {
  const cols = objs(v.additionalPrinterColumns);
  if (cols.length === 0) return undefined;
  return cols.map((c) => ({
    name: str(c.name),
    type: (COLUMN_TYPES.has(str(c.type)) ? str(c.type) : 'string') as PrinterColumn['type'],
    jsonPath: str(c.jsonPath),
    ...(str(c.format) ? { format: str(c.format) } : {}),
    ...(str(c.description) ? { description: str(c.description) } : {}),
    ...(typeof c.priority === 'number' && c.priority !== 0 ? { priority: c.priority } : {}),
  }));
}

function toVersion(v: Obj, group: string, kind: string): KindVersion {
  const schema = obj(v.schema).openAPIV3Schema;
  const columns = printerColumns(v);
  const selectable = objs(v.selectableFields).map((f) => str(f.jsonPath)).filter((p) => p !== '');
  const deprecated = v.deprecated === true;
  return {
    name: str(v.name),
    served: v.served === true,
    storage: v.storage === true,
    schema: isObj(schema) ? (schema as JSONSchemaProps) : PRESERVE_ALL,
    ...(columns ? { printerColumns: columns } : {}),
    ...(deprecated ? { deprecated, deprecationWarning: typeof v.deprecationWarning === 'string' ? v.deprecationWarning : `${group}/${str(v.name)} ${kind} is deprecated` } : {}),
    ...(selectable.length ? { selectableFields: selectable } : {}),
  };
}

function scaleOf(v: Obj): ScaleSubresource | undefined {
  const scale = obj(v.subresources).scale;
  if (!isObj(scale)) return undefined;
  return {
    specReplicasPath: str(scale.specReplicasPath),
    statusReplicasPath: str(scale.statusReplicasPath),
    ...(str(scale.labelSelectorPath) ? { labelSelectorPath: str(scale.labelSelectorPath) } : {}),
  };
}

/** Throws when the CRD cannot be served at all (no group, names or storage version). */
export function kindFromCrd(crd: KubeObject): KindDefinition {
  const spec = obj(crd.spec);
  const group = str(spec.group);
  const names = servedNames(crd);
  if (group === '' || names.plural === '' || names.kind === '') throw new Error(`CustomResourceDefinition ${crd.metadata.name ?? ''} has no group, plural or kind`);
  const rawVersions = objs(spec.versions).sort((a, b) => compareKubeVersions(str(a.name), str(b.name)));
  if (rawVersions.filter((v) => v.storage === true).length !== 1) throw new Error(`CustomResourceDefinition ${crd.metadata.name ?? ''} needs exactly one storage version`);
  const versions = rawVersions.map((v) => toVersion(v, group, names.kind));
  // KindDefinition has one set of subresources; v1 allows them per version, in practice identical.
  const status = rawVersions.some((v) => isObj(obj(v.subresources).status));
  const scale = rawVersions.map(scaleOf).find((s) => s !== undefined);
  return {
    group,
    kind: names.kind,
    plural: names.plural,
    singular: names.singular,
    listKind: names.listKind,
    scope: str(spec.scope) === 'Cluster' ? 'Cluster' : 'Namespaced',
    shortNames: names.shortNames,
    categories: names.categories,
    versions,
    subresources: { ...(status ? { status: true } : {}), ...(scale ? { scale } : {}) },
    builtin: false,
    generation: 'spec',
    fromCrd: true,
  };
}
