/**
 * The order istiod walks configuration in (pilot/pkg/model sortConfigByCreationTime):
 * oldest first, then by name, then by namespace. "The first one wins" rules — gateway
 * host conflicts, mesh VirtualService hosts, DestinationRule merging — all depend on it.
 */
import type { KubeObject } from '../../api/object.ts';

export function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  const byName = (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  if (byName !== 0) return byName;
  return (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '');
}

export function sortedByCreation<T extends KubeObject>(objects: readonly T[]): T[] {
  return [...objects].sort(byCreation);
}

/** Labels selector semantics of Istio (labels.Instance.SubsetOf): every selector pair present. */
export function selectorMatches(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined) return true;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
