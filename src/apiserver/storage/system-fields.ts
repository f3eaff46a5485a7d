/**
 * Fields the API server owns on every object: uid, creationTimestamp, resourceVersion,
 * generation. Pure helpers; the object service decides when each applies.
 */
import { isDeepStrictEqual } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../api/object.ts';

/** RFC 3339 with seconds precision, as metav1.Time serialises. */
export function nowTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function newUid(): string {
  return randomUUID();
}

/** Everything outside metadata and status: what a spec change means for `generation`. */
function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

export function specChanged(oldObj: KubeObject, newObj: KubeObject): boolean {
  return !isDeepStrictEqual(specPart(oldObj), specPart(newObj));
}

/** Compares two stored forms ignoring resourceVersion and managedFields timestamps. */
export function semanticallyEqual(a: KubeObject, b: KubeObject): boolean {
  return isDeepStrictEqual(comparable(a), comparable(b));
}

function comparable(obj: KubeObject): unknown {
  const { resourceVersion: _rv, managedFields, ...meta } = obj.metadata;
  const fields = managedFields?.map(({ time: _t, ...rest }) => rest);
  return { ...obj, metadata: { ...meta, ...(fields ? { managedFields: fields } : {}) } };
}

export function withResourceVersion(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}

/** Parses a resourceVersion string; undefined for unset/empty, NaN-safe. */
export function parseResourceVersion(rv: string | undefined | null): number | undefined {
  if (rv === undefined || rv === null || rv === '') return undefined;
  if (!/^\d+$/.test(rv)) return Number.NaN;
  return Number(rv);
}
