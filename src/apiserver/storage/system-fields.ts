/**
 * Fields the API server owns on every object: uid, creationTimestamp, resourceVersion,
 * generation. Pure helpers; the object service decides when each applies.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../api/object.ts';
import { jsonEqual } from '../../util/json-equal.ts';

/** RFC 3339 with seconds precision, as metav1.Time serialises. */
export function nowTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function newUid(): string {
  return randomUUID();
}

/** Everything outside these is the spec: what a change of means for `generation`. */
const NOT_SPEC = new Set(['metadata', 'status', 'apiVersion', 'kind']);

export function specChanged(oldObj: KubeObject, newObj: KubeObject): boolean {
  return !jsonEqual(oldObj, newObj, NOT_SPEC);
}

const METADATA = new Set(['metadata']);
const VERSION_AND_FIELDS = new Set(['resourceVersion', 'managedFields']);
const TIME = new Set(['time']);

/**
 * Compares two stored forms ignoring resourceVersion and managedFields timestamps, as they
 * would serialise (kube-apiserver compares the encoded bytes). Walks both in place: it runs
 * on every update, so copying each object to drop those fields showed in write profiles.
 */
export function semanticallyEqual(a: KubeObject, b: KubeObject): boolean {
  if (!jsonEqual(a, b, METADATA) || !jsonEqual(a.metadata, b.metadata, VERSION_AND_FIELDS)) return false;
  const x = a.metadata.managedFields;
  const y = b.metadata.managedFields;
  if (x === undefined || y === undefined) return x === y;
  return x.length === y.length && x.every((entry, i) => jsonEqual(entry, y[i], TIME));
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
