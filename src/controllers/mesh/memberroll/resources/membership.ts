/**
 * Which namespaces a member roll asks for (Maistra's getRequiredNamespaces and IsMember):
 * every name in `spec.members` (except `*`), plus every existing namespace that `*` or a
 * `spec.memberSelectors` entry includes — but `*` and selectors never take the mesh's own
 * namespace, `kube`, `kube-*`, `openshift`, `openshift-*` or `ibm-*`.
 */
import type { KubeObject } from '../../../../api/object.ts';
import { asArray, asRecord, specOf, stringList } from '../../../../api/mesh/fields.ts';
import { type LabelSelectorObject, labelSelectorFromObject } from '../../../../api/selectors/index.ts';

function excluded(roll: KubeObject, ns: string): boolean {
  return ns === roll.metadata.namespace || ns === 'kube' || ns === 'openshift' || ns.startsWith('kube-') || ns.startsWith('openshift-') || ns.startsWith('ibm-');
}

function selectorMatches(selector: unknown, labels: Record<string, string> | undefined): boolean {
  try {
    return labelSelectorFromObject((asRecord(selector) ?? {}) as LabelSelectorObject).matches(labels);
  } catch {
    return false;
  }
}

/** Whether `*` or a member selector of the roll takes this namespace. */
export function isSelected(roll: KubeObject, ns: KubeObject): boolean {
  const name = ns.metadata.name ?? '';
  if (excluded(roll, name)) return false;
  const spec = specOf(roll);
  const members = stringList(spec.members);
  if (members.includes('*') || members.includes(name)) return true;
  return asArray(spec.memberSelectors).some((sel) => selectorMatches(sel, ns.metadata.labels));
}

export function requiredNamespaces(roll: KubeObject, namespaces: readonly KubeObject[]): Set<string> {
  const required = new Set(stringList(specOf(roll).members).filter((m) => m !== '*'));
  for (const ns of namespaces) if (isSelected(roll, ns)) required.add(ns.metadata.name!);
  return required;
}
