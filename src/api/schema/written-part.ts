/**
 * The part of a kind's schema a write has to prepare and check.
 *
 * A /status write takes everything but `status` from the stored object, and an update of
 * the main resource of a kind with a status subresource keeps the stored `status` (the
 * status strategies of kube-apiserver, which skiff's object service follows). Those parts
 * were pruned, defaulted and validated when they were stored, so a write need not walk them
 * again: for a pod, whose spec is most of it, that walk was most of a status write's schema
 * cost. Kubernetes gets the same outcome differently — its validation ratcheting lets errors
 * in unchanged fields stand — so nothing observable changes.
 *
 * `metadata`, `apiVersion` and `kind` always stay in scope: they are small, and metadata
 * carries what the write may change (managedFields, for one).
 */
import type { JSONSchemaProps } from '../schema-types.ts';

/** Which top-level part the write does not take from the client. */
export type CarriedOver = 'all-but-status' | 'status';

/** A schema node that accepts anything and checks, prunes and defaults nothing. */
const UNCHECKED: JSONSchemaProps = Object.freeze({ 'x-kubernetes-preserve-unknown-fields': true });
const ALWAYS_CHECKED = new Set(['metadata', 'apiVersion', 'kind']);

const scoped = new WeakMap<JSONSchemaProps, Map<CarriedOver, JSONSchemaProps>>();

/** `schema` with the carried-over top-level properties left unchecked (cached per schema). */
export function schemaForWrittenPart(schema: JSONSchemaProps, carriedOver: CarriedOver): JSONSchemaProps {
  let bySchema = scoped.get(schema);
  if (!bySchema) scoped.set(schema, bySchema = new Map());
  let out = bySchema.get(carriedOver);
  if (!out) bySchema.set(carriedOver, out = build(schema, carriedOver));
  return out;
}

function build(schema: JSONSchemaProps, carriedOver: CarriedOver): JSONSchemaProps {
  const properties = schema.properties;
  if (!properties) return schema;
  const isCarried = (key: string): boolean => !ALWAYS_CHECKED.has(key) && (carriedOver === 'status' ? key === 'status' : key !== 'status');
  return {
    ...schema,
    properties: Object.fromEntries(Object.entries(properties).map(([key, prop]) => [key, isCarried(key) ? UNCHECKED : prop])),
  };
}
