/**
 * SMD's Set.EnsureNamedFieldsAreMembers: field sets list leaves, but pruning also has to
 * see the declared struct fields above them ("owning a.b.c owns a, if a is a named
 * field"). Map keys and list items above a leaf are not added.
 */
import type { PathElement } from '../fieldpath/path-element.ts';
import { PathSet } from '../fieldpath/path-set.ts';
import { declaredAtom, isField, memberType, type TypeRef } from './type-model.ts';

export function withNamedFields(set: PathSet, root: TypeRef): PathSet {
  const out = new PathSet();
  visit(set, root, [], out);
  return out;
}

function visit(set: PathSet, type: TypeRef, prefix: PathElement[], out: PathSet): void {
  const atom = declaredAtom(type);
  for (const { pe, member, below } of set.children()) {
    prefix.push(pe);
    const hasChildren = !below.isEmpty();
    const named = 'field' in pe && atom?.kind === 'map' && isField(atom, pe.field);
    if (member || (hasChildren && named)) out.insert(prefix);
    if (hasChildren) {
      const childType = 'field' in pe ? (atom?.kind === 'map' ? memberType(atom, pe.field) : undefined) : (atom?.kind === 'list' ? atom.element : undefined);
      visit(below, childType, prefix, out);
    }
    prefix.pop();
  }
}
