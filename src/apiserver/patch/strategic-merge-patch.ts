/**
 * Strategic merge patch, `application/strategic-merge-patch+json`: what kubectl sends for
 * built-in kinds (client-side apply, edit, patch). Merge behaviour per field comes from the
 * kind's schema: `x-kubernetes-patch-strategy` (merge, retainKeys, replace) and
 * `x-kubernetes-patch-merge-key`. Fields without a strategy behave as in a JSON merge
 * patch: maps merge, lists are replaced.
 */
import type { JSONSchemaProps } from '../../api/schema-types.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { isJsonObject, jsonKind, type JsonObject, type JsonValue } from './json.ts';
import { cloneJson } from '../../util/clone-json.ts';
import { withObjectMeta } from './schema-nav.ts';
import { mergeMap } from './strategic/merge.ts';

export { stripPatchDirectives } from './strategic/directives.ts';

/**
 * Applies `patch` to `target` (an object) under `schema`, the kind's whole-object schema.
 * Throws SKF_API_BAD_REQUEST for malformed directives and SKF_API_BAD_PATCH when the patch
 * cannot apply (a list item without its merge key, mixed list element types, …).
 */
export function applyStrategicMergePatch(target: JsonValue, patch: JsonValue, schema: JSONSchemaProps): JsonObject {
  if (!isJsonObject(patch)) {
    const kind = jsonKind(patch);
    throw new SkiffError('SKF_API_BAD_REQUEST', `json: cannot unmarshal ${kind === 'list' ? 'array' : kind} into Go value of type map[string]interface {}`);
  }
  const original = isJsonObject(target) ? cloneJson(target) : {};
  return mergeMap(original, cloneJson(patch), withObjectMeta(schema), '') ?? {};
}
