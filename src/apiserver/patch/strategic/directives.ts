/**
 * Strategic-merge-patch directives (apimachinery pkg/util/strategicpatch/types.go) and the
 * helpers that keep them out of stored objects. Only these exact keys are directives:
 * other `$`-prefixed keys (a CRD schema's `$ref`, say) are ordinary data.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../json.ts';

export const DIRECTIVE_MARKER = '$patch';
export const REPLACE_DIRECTIVE = 'replace';
export const DELETE_DIRECTIVE = 'delete';
export const MERGE_DIRECTIVE = 'merge';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

/** Strategy names as `x-kubernetes-patch-strategy` spells them. */
export const MERGE_STRATEGY = 'merge';
export const REPLACE_STRATEGY = 'replace';
export const RETAIN_KEYS_STRATEGY = 'retainKeys';

export function isDirectiveKey(key: string): boolean {
  return key === DIRECTIVE_MARKER || key === RETAIN_KEYS_DIRECTIVE
    || key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || key.startsWith(SET_ELEMENT_ORDER_PREFIX);
}

export function hasDirectiveMarker(value: JsonValue | undefined): value is JsonObject {
  return isJsonObject(value) && Object.hasOwn(value, DIRECTIVE_MARKER);
}

/**
 * Removes every directive from a patch value (a copy is returned): maps carrying `$patch`
 * vanish from their parent (they only make sense against existing data), and directive
 * keys are dropped. Returns undefined when the value itself is such a map.
 */
export function stripPatchDirectives(value: JsonValue): JsonValue | undefined {
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value) {
      const kept = stripPatchDirectives(item);
      if (kept !== undefined) out.push(kept);
    }
    return out;
  }
  if (!isJsonObject(value)) return value;
  if (Object.hasOwn(value, DIRECTIVE_MARKER)) return undefined;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (isDirectiveKey(key)) continue;
    const kept = stripPatchDirectives(child);
    if (kept !== undefined) Object.defineProperty(out, key, { value: kept, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Drops null-valued members at any depth (a null in a patch only means "delete if present"). */
export function discardNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(discardNulls);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== null) Object.defineProperty(out, key, { value: discardNulls(child), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** What a patch value becomes when there is nothing in the original to merge it with. */
export function patchValueAsNew(value: JsonValue): JsonValue | undefined {
  return stripPatchDirectives(discardNulls(value));
}
