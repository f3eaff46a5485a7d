/**
 * The heart of field management (structured-merge-diff merge/update.go): given an object
 * before and after a write, take changed fields away from the other managers — or report
 * them as conflicts — and drop fields that no longer exist from everyone's sets. Also the
 * small shared pieces: which fields are never tracked (stripmeta.go) and which a write may
 * not own (the kind's reset fields).
 */
import type { JsonValue } from '../json.ts';
import { fieldElement, type Path } from '../fieldpath/path-element.ts';
import { PathSet } from '../fieldpath/path-set.ts';
import { compareTyped, type Comparison } from '../typed/compare.ts';
import type { TypeRef } from '../typed/type-model.ts';
import type { Managers } from './managers.ts';

/** Fields kube-apiserver never records as owned: identity and server-managed metadata. */
const STRIPPED = new PathSet([
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion']
    .map((f) => [fieldElement('metadata'), fieldElement(f)]),
]);

export function stripMeta(set: PathSet): PathSet {
  return set.difference(STRIPPED);
}

/**
 * Drops paths at or below any of `roots` (a write to /status cannot own spec, and so on).
 * `excluded` names those roots, so a comparison can skip them instead of walking them.
 */
export interface FieldFilter {
  (set: PathSet): PathSet;
  readonly excluded?: PathSet;
}

export function excludeSubtrees(roots: ReadonlyArray<readonly string[]>): FieldFilter {
  if (roots.length === 0) return (set) => set;
  const excluded = new PathSet(roots.map((r): Path => r.map(fieldElement)));
  return Object.assign((set: PathSet) => set.recursiveDifference(excluded), { excluded });
}

export interface OwnershipContext {
  readonly type: TypeRef;
  readonly filter: FieldFilter;
}

export type OwnershipResult =
  | { ok: true; managers: Managers; comparison: Comparison }
  | { ok: false; conflicts: Map<string, PathSet> };

/**
 * Updates every manager other than `writer` for the change `before` → `after`. Fields the
 * write added or changed and another manager owns are conflicts; with `force` they move
 * away from that manager instead. Removed fields leave every other manager's set.
 */
export function settleOwnership(
  before: JsonValue | undefined, after: JsonValue, managers: Managers, writer: string, force: boolean, ctx: OwnershipContext,
): OwnershipResult {
  // Excluded subtrees would be filtered out of the comparison anyway: it does not walk them.
  const raw = compareTyped(before, after, ctx.type, ctx.filter.excluded);
  const comparison: Comparison = { added: ctx.filter(raw.added), modified: ctx.filter(raw.modified), removed: ctx.filter(raw.removed) };
  const changed = comparison.modified.union(comparison.added);
  const conflicts = new Map<string, PathSet>();
  for (const [id, m] of managers) {
    if (id === writer) continue;
    const overlap = m.set.intersection(changed);
    if (!overlap.isEmpty()) conflicts.set(id, overlap);
  }
  if (!force && conflicts.size > 0) return { ok: false, conflicts };

  const out: Managers = new Map();
  // Most writes remove nothing: then a manager that lost nothing keeps its very set, and so
  // its encoded FieldsV1 (managers.ts remembers sets it encoded), instead of an equal copy.
  const removesFields = !comparison.removed.isEmpty();
  for (const [id, m] of managers) {
    let set = m.set;
    if (id !== writer) {
      const lost = conflicts.get(id);
      if (lost) set = set.difference(lost);
      if (removesFields) set = set.difference(comparison.removed);
    }
    if (!set.isEmpty()) out.set(id, set === m.set ? m : { ...m, set });
  }
  return { ok: true, managers: out, comparison };
}
