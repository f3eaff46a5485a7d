/**
 * Structural defaulting as kube-apiserver applies it to custom resources
 * (apiextensions-apiserver schema/defaulting/algorithm.go and prunenulls.go):
 *
 * - a property's `default` is set when the property is absent, or null while the property is
 *   not nullable; the copy is then itself defaulted (defaults nest);
 * - null list items and null map values of a non-nullable schema are replaced by the item
 *   or value schema's default;
 * - before defaulting, nulls of non-nullable fields that have no default are removed, as the
 *   decoder does, so that `field: null` means "unset".
 *
 * The apiserver's order is: prune unknown fields, drop non-nullable nulls, default, validate.
 */
import type { JSONSchemaProps } from '../schema-types.ts';
import { fieldSchema, hasOwn, isPlainObject } from './schema-props.ts';
import { cloneJson } from '../../util/clone-json.ts';

function isNonNullableNull(value: unknown, s: JSONSchemaProps | undefined): boolean {
  return value === null && s !== undefined && !s.nullable;
}

/** Fills in schema defaults in place. */
export function applyDefaults(x: unknown, s: JSONSchemaProps | undefined): void {
  if (!s) return;
  if (isPlainObject(x)) {
    for (const [k, prop] of Object.entries(s.properties ?? {})) {
      if (prop.default === undefined) continue;
      if (!hasOwn(x, k) || isNonNullableNull(x[k], prop)) x[k] = cloneJson(prop.default);
    }
    const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    for (const k of Object.keys(x)) {
      const prop = s.properties?.[k];
      if (prop) {
        applyDefaults(x[k], prop);
      } else if (extra) {
        if (isNonNullableNull(x[k], extra) && extra.default !== undefined) x[k] = cloneJson(extra.default);
        applyDefaults(x[k], extra);
      }
    }
  } else if (Array.isArray(x) && s.items) {
    const items = s.items;
    x.forEach((item, i) => {
      if (isNonNullableNull(item, items) && items.default !== undefined) x[i] = cloneJson(items.default);
      applyDefaults(x[i], items);
    });
  }
}

/**
 * Removes map entries that are null although their schema is not nullable and has no default
 * (defaulting.PruneNonNullableNullsWithoutDefaults). List items are kept.
 */
export function pruneNonNullableNulls(x: unknown, s: JSONSchemaProps | undefined): void {
  if (isPlainObject(x)) {
    for (const k of Object.keys(x)) {
      const child = fieldSchema(s, k);
      if (x[k] === null && child !== undefined && !child.nullable && child.default === undefined) delete x[k];
      else pruneNonNullableNulls(x[k], child);
    }
  } else if (Array.isArray(x)) {
    x.forEach((item) => pruneNonNullableNulls(item, s?.items));
  }
}
