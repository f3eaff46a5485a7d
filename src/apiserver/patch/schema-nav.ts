/**
 * Walking a kind's JSONSchemaProps alongside an object: the one place that knows where a
 * member's or an item's schema lives (properties, additionalProperties, items) and that
 * metadata falls back to ObjectMeta's shape. `undefined` means "no schema here": callers
 * treat that part of the object as untyped.
 */
import type { JSONSchemaProps } from '../../api/schema-types.ts';
import { OBJECT_META_SCHEMA } from './object-meta-schema.ts';

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
  return { ...base, properties: { ...base.properties, metadata: OBJECT_META_SCHEMA } };
}

/** The strategies in `x-kubernetes-patch-strategy` ("merge", "retainKeys", "merge,retainKeys", "replace"). */
export function patchStrategies(schema: JSONSchemaProps | undefined): string[] {
  const raw = schema?.['x-kubernetes-patch-strategy'];
  return raw ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
}
