/**
 * How server-side apply sees a schema node (structured-merge-diff's Atom, derived from
 * OpenAPI the way kube-openapi's schemaconv does):
 * - scalars are leaves;
 * - lists are atomic (replaced whole) unless `x-kubernetes-list-type` is `set` or `map`, or
 *   — for built-in kinds that only carry patch metadata — `x-kubernetes-patch-strategy:
 *   merge` (with a merge key: keyed by it; without: a set);
 * - objects are granular (merged member by member) unless `x-kubernetes-map-type: atomic`.
 * Where there is no schema (or `x-kubernetes-preserve-unknown-fields`, `{}` schemas,
 * int-or-string) the "deduced" type applies: maps granular, lists atomic, by the value's
 * own shape.
 */
import type { JSONSchemaProps } from '../../../api/schema-types.ts';
import { isJsonObject, type JsonValue } from '../json.ts';
import { isDeclaredMember, itemSchema, memberSchema } from '../schema-nav.ts';

/** A schema node; undefined is the deduced (untyped) type. */
export type TypeRef = JSONSchemaProps | undefined;

export type Atom =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'list'; readonly atomic: boolean; readonly keys: readonly string[]; readonly element: TypeRef }
  | { readonly kind: 'map'; readonly atomic: boolean; readonly schema: TypeRef };

const SCALAR: Atom = { kind: 'scalar' };
const DEDUCED_LIST: Atom = { kind: 'list', atomic: true, keys: [], element: undefined };
const DEDUCED_MAP: Atom = { kind: 'map', atomic: false, schema: undefined };

/** The atom for `value` under `type` (the value decides only for untyped nodes). */
export function atomFor(type: TypeRef, value: JsonValue | undefined): Atom {
  const declared = declaredAtom(type);
  if (declared) return declared;
  if (Array.isArray(value)) return DEDUCED_LIST;
  if (isJsonObject(value)) return DEDUCED_MAP;
  return SCALAR;
}

/** The atom a schema declares, or undefined when the node is untyped. */
export function declaredAtom(type: TypeRef): Atom | undefined {
  if (!type || type['x-kubernetes-int-or-string']) return undefined;
  if (type.type === 'array' || (type.type === undefined && type.items)) return listAtom(type);
  if (type.type === 'object' || (type.type === undefined && (type.properties || type.additionalProperties !== undefined))) {
    return { kind: 'map', atomic: type['x-kubernetes-map-type'] === 'atomic', schema: type };
  }
  if (type.type !== undefined) return SCALAR;
  return undefined;
}

function listAtom(type: JSONSchemaProps): Atom {
  const element = itemSchema(type);
  const listType = type['x-kubernetes-list-type'];
  if (listType === 'atomic') return { kind: 'list', atomic: true, keys: [], element };
  if (listType === 'set') return { kind: 'list', atomic: false, keys: [], element };
  if (listType === 'map') return { kind: 'list', atomic: false, keys: type['x-kubernetes-list-map-keys'] ?? [], element };
  const strategy = type['x-kubernetes-patch-strategy'];
  if (strategy === 'merge' || strategy === 'merge,retainKeys' || strategy === 'retainKeys,merge') {
    const mergeKey = type['x-kubernetes-patch-merge-key'];
    return { kind: 'list', atomic: false, keys: mergeKey ? [mergeKey] : [], element };
  }
  return { kind: 'list', atomic: true, keys: [], element };
}

/** The type of member `key` of a map atom (undefined = untyped). */
export function memberType(atom: Extract<Atom, { kind: 'map' }>, key: string): TypeRef {
  return memberSchema(atom.schema, key);
}

/** Whether `key` is a declared field of the map atom (SMD: FindField succeeds). */
export function isField(atom: Extract<Atom, { kind: 'map' }>, key: string): boolean {
  return isDeclaredMember(atom.schema, key);
}

/** The default of a key field of an associative list's items, used when an item omits it. */
export function keyDefault(atom: Extract<Atom, { kind: 'list' }>, field: string): JsonValue | undefined {
  const d = atom.element?.properties?.[field]?.default;
  return d === undefined ? undefined : (d as JsonValue);
}
