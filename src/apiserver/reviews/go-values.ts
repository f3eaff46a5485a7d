/**
 * Go's `%#v` of the internal structs that SubjectAccessReview validation puts in its field
 * errors (`Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}`), so
 * that skiff's messages read as kube-apiserver's. Only the fields a request can carry are
 * rendered with content; the rest print Go's zero values.
 */
import { GoText, goQuote } from '../../api/schema/go-format.ts';

const s = (v: unknown): string => goQuote(typeof v === 'string' ? v : '');

export function goNonResourceAttributes(attrs: Record<string, unknown>): GoText {
  return new GoText(`authorization.NonResourceAttributes{Path:${s(attrs.path)}, Verb:${s(attrs.verb)}}`);
}

function goStringMap(value: unknown): string {
  const entries = typeof value === 'object' && value !== null ? Object.entries(value as Record<string, unknown>) : [];
  if (entries.length === 0) return 'map[string]string(nil)';
  // fmt prints maps sorted by key.
  return `map[string]string{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${goQuote(k)}:${s(v)}`).join(', ')}}`;
}

function goStrings(value: unknown): string {
  return Array.isArray(value) && value.length > 0 ? `[]string{${value.map(s).join(', ')}}` : '[]string(nil)';
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** metav1.Time embeds time.Time, whose GoString is `time.Date(...)`. */
function goTime(value: unknown): string {
  const d = typeof value === 'string' ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime())) return 'time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)';
  return `time.Date(${d.getUTCFullYear()}, time.${MONTHS[d.getUTCMonth()]}, ${d.getUTCDate()}, ${d.getUTCHours()}, ${d.getUTCMinutes()}, ${d.getUTCSeconds()}, 0, time.UTC)`;
}

export function goObjectMeta(meta: Record<string, unknown>): GoText {
  const generation = typeof meta.generation === 'number' ? meta.generation : 0;
  const fields = [
    `Name:${s(meta.name)}`, `GenerateName:${s(meta.generateName)}`, `Namespace:${s(meta.namespace)}`, `SelfLink:${s(meta.selfLink)}`,
    `UID:${s(meta.uid)}`, `ResourceVersion:${s(meta.resourceVersion)}`, `Generation:${generation}`,
    `CreationTimestamp:${goTime(meta.creationTimestamp)}`, 'DeletionTimestamp:<nil>', 'DeletionGracePeriodSeconds:(*int64)(nil)',
    `Labels:${goStringMap(meta.labels)}`, `Annotations:${goStringMap(meta.annotations)}`, 'OwnerReferences:[]v1.OwnerReference(nil)',
    `Finalizers:${goStrings(meta.finalizers)}`, 'ManagedFields:[]v1.ManagedFieldsEntry(nil)',
  ];
  return new GoText(`v1.ObjectMeta{${fields.join(', ')}}`);
}

/** Whether ObjectMeta equals its zero value as apimachinery's Semantic.DeepEqual sees it (empty = nil). */
export function isZeroObjectMeta(meta: Record<string, unknown>, ignore: readonly string[]): boolean {
  return Object.entries(meta).every(([key, value]) => {
    if (ignore.includes(key) || value === null || value === undefined || value === '' || value === 0) return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === 'object') return Object.keys(value).length === 0;
    return false;
  });
}
