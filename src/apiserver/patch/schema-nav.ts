/**
 * Walking a kind's JSONSchemaProps alongside an object: the one place that knows where a
 * member's or an item's schema lives (properties, additionalProperties, items) and that
 * metadata falls back to ObjectMeta's shape (CRD schemas usually say only `metadata: {type:
 * object}`, while kube-apiserver patches and applies every object's metadata with
 * ObjectMeta's real shape: finalizers a set, ownerReferences keyed by uid, labels and
 * annotations granular maps). `undefined` means "no schema here": callers
 * treat that part of the object as untyped.
 */
import { objectMetaSchema } from '../../api/meta/object-meta-schema.ts';
import type { JSONSchemaProps } from '../../api/schema-types.ts';

/** The schema of member `key` of an object described by `schema`. */
export function memberSchema(schema: JSONSchemaProps | undefined, key: string): JSONSchemaProps | undefined {
  if (!schema) return undefined;
  const declared = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
  if (declared) return declared;
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

/** True when `key` is a declared property (a struct field, in Go terms) of `schema`. */
export function isDeclaredMember(schema: JSONSchemaProps | undefined, key: string): boolean {
  return !!schema?.properties && Object.hasOwn(schema.properties, key);
}

export function itemSchema(schema: JSONSchemaProps | undefined): JSONSchemaProps | undefined {
  return schema?.items;
}

/** The root schema with ObjectMeta's shape under `metadata` when the kind leaves it open. */
export function withObjectMeta(root: JSONSchemaProps | undefined): JSONSchemaProps {
  const base: JSONSchemaProps = root ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const metadata = base.properties?.metadata;
  if (metadata?.properties && Object.keys(metadata.properties).length > 0) return base;
  return { ...base, properties: { ...base.properties, metadata: objectMetaSchema } };
}

/** The strategies in `x-kubernetes-patch-strategy` ("merge", "retainKeys", "merge,retainKeys", "replace"). */
export function patchStrategies(schema: JSONSchemaProps | undefined): string[] {
  const raw = schema?.['x-kubernetes-patch-strategy'];
  return raw ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}
