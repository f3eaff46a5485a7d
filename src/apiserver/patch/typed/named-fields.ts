/**
 * SMD's Set.EnsureNamedFieldsAreMembers: field sets list leaves, but pruning also has to
 * see the declared struct fields above them ("owning a.b.c owns a, if a is a named
 * field"). Map keys and list items above a leaf are not added.
 */
import type { Path } from '../fieldpath/path-element.ts';
import { PathSet } from '../fieldpath/path-set.ts';
import { declaredAtom, isField, memberType, type TypeRef } from './type-model.ts';

export function withNamedFields(set: PathSet, root: TypeRef): PathSet {
  const out = set.union(new PathSet());
  for (const path of set.paths()) {
    let type: TypeRef = root;
    for (let i = 0; i < path.length - 1; i++) {
      const pe = path[i]!;
      const atom = declaredAtom(type);
      if ('field' in pe) {
        if (atom?.kind === 'map' && isField(atom, pe.field)) out.insert(path.slice(0, i + 1) as Path);
        type = atom?.kind === 'map' ? memberType(atom, pe.field) : undefined;
      } else {
        type = atom?.kind === 'list' ? atom.element : undefined;
      }
    }
  }
  return out;
}
