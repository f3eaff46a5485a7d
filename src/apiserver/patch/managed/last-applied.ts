/**
 * The bridge between client-side and server-side apply for the manager "kubectl"
 * (apimachinery managedfields/internal lastappliedmanager.go and lastappliedupdater.go):
 * conflicts on fields the last-applied annotation already says kubectl set are not
 * conflicts, and a server-side apply keeps that annotation current.
 */
import { goJsonMarshal } from '../../../api/schema/go-format.ts';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.ts';
import type { PathSet } from '../fieldpath/path-set.ts';
import { compareTyped } from '../typed/compare.ts';
import { toFieldSet } from '../typed/to-field-set.ts';
import type { TypeRef } from '../typed/type-model.ts';
import { cloneJson } from '../../../util/clone-json.ts';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** Only this manager gets the client-side-apply bridge. */
export const KUBECTL_MANAGER = 'kubectl';

function annotation(obj: JsonObject): string | undefined {
  const metadata = obj.metadata;
  if (!isJsonObject(metadata) || !isJsonObject(metadata.annotations)) return undefined;
  const value = metadata.annotations[LAST_APPLIED_ANNOTATION];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Fields that conflicts may silently take over: those in the live object's last-applied
 * configuration whose live value still matches it. Undefined when there is no usable
 * annotation (absent, unparsable, or for another API version).
 */
export function conflictsAllowedByLastApplied(live: JsonObject, type: TypeRef, apiVersion: string): PathSet | undefined {
  const raw = annotation(live);
  if (raw === undefined) return undefined;
  let lastApplied: JsonValue;
  try {
    lastApplied = JSON.parse(raw) as JsonValue;
  } catch {
    return undefined;
  }
  if (!isJsonObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined;
  const changed = compareTyped(lastApplied, live, type);
  return toFieldSet(lastApplied, type).difference(changed.modified).difference(changed.added).difference(changed.removed);
}

export function hasLastApplied(obj: JsonObject): boolean {
  return annotation(obj) !== undefined;
}

/** The annotation value for an applied configuration: itself, minus the annotation, as Go encodes it. */
export function buildLastApplied(applied: JsonObject): string {
  const copy = cloneJson(applied);
  const metadata = copy.metadata;
  if (isJsonObject(metadata) && isJsonObject(metadata.annotations)) delete metadata.annotations[LAST_APPLIED_ANNOTATION];
  return `${goJsonMarshal(copy)}\n`;
}

/** `obj` with its last-applied annotation set to `value` (obj is a private copy). */
export function setLastApplied(obj: JsonObject, value: string): void {
  const metadata = isJsonObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
  const annotations = isJsonObject(metadata.annotations) ? metadata.annotations : (metadata.annotations = {});
  annotations[LAST_APPLIED_ANNOTATION] = value;
}
