/**
 * JSON merge patch (RFC 7386), `application/merge-patch+json`: what kubectl sends for
 * custom resources and for `kubectl label/annotate`. Objects merge key by key, `null`
 * deletes, anything else (lists included) replaces.
 */
import { getField, isJsonObject, setField, type JsonObject, type JsonValue } from './json.ts';
import { cloneJson } from '../../util/clone-json.ts';

/** Returns the patched document; neither argument is modified and nothing is shared with them. */
export function applyMergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  return mergeInto(cloneJson(target), patch);
}

/** RFC 7386 MergePatch(Target, Patch), working in place on a private copy of the target. */
function mergeInto(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = isJsonObject(target) ? target : {};
  for (const [key, patchValue] of Object.entries(patch)) {
    if (patchValue === null) delete result[key];
    else setField(result, key, mergeInto(getField(result, key), patchValue));
  }
  return result;
}
