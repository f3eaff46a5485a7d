/** Reading and replacing `metadata.managedFields` on plain objects without mutating them. */
import type { KubeObject, ManagedFieldsEntry } from '../../../api/object.ts';
import type { JsonObject } from '../json.ts';
import { cloneJson } from '../../../util/clone-json.ts';

/** A copy of the object without managedFields (the field manager never tracks them). */
export function withoutManagedFields(obj: KubeObject): JsonObject {
  const copy = cloneJson(obj) as unknown as JsonObject & { metadata?: Record<string, unknown> };
  if (copy.metadata && typeof copy.metadata === 'object') delete copy.metadata.managedFields;
  return copy;
}

/**
 * The object without managedFields as a read-only view: only the top level and metadata are
 * new objects, everything else is shared with `obj`. For comparisons that never write into
 * what they are given (recording an update's ownership), where a deep copy per write was the
 * field manager's largest cost.
 */
export function viewWithoutManagedFields(obj: KubeObject): JsonObject {
  const { managedFields: _dropped, ...metadata } = (obj.metadata ?? {}) as Record<string, unknown>;
  return { ...(obj as unknown as JsonObject), metadata } as JsonObject;
}

/** The object with `entries` as its managedFields (removed when undefined). */
export function withManagedFields(obj: JsonObject, entries: ManagedFieldsEntry[] | undefined): KubeObject {
  const out = obj as unknown as KubeObject;
  const metadata = { ...(out.metadata ?? {}) };
  delete metadata.managedFields;
  if (entries) metadata.managedFields = entries;
  return { ...out, metadata };
}
