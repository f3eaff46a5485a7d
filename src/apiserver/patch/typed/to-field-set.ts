/**
 * The set of fields a value sets (SMD typed/tofieldset.go): every scalar leaf, every
 * atomic list or map as a whole, every associative-list item (the item itself and its
 * fields), every member of an untyped or additionalProperties map, and null or empty-map
 * members. Named struct fields holding non-empty maps are parents only.
 */
import { isJsonObject, type JsonValue } from '../json.ts';
import { fieldElement, serializePathElement, type Path } from '../fieldpath/path-element.ts';
import { PathSet } from '../fieldpath/path-set.ts';
import { nameListItem } from './list-items.ts';
import { atomFor, isField, memberType, type TypeRef } from './type-model.ts';

export function toFieldSet(value: JsonValue, type: TypeRef): PathSet {
  const set = new PathSet();
  walk(value, type, [], set);
  return set;
}

function walk(value: JsonValue, type: TypeRef, path: Path, set: PathSet): void {
  const atom = atomFor(type, value);
  if (atom.kind === 'scalar' || atom.atomic) {
    set.insert(path);
    return;
  }
  if (atom.kind === 'list') {
    if (!Array.isArray(value)) return;
    const named = value.map((item) => ({ item, name: nameListItem(atom, item) }));
    const seen = new Set<string>();
    const duplicated = new Set<string>();
    for (const { name } of named) {
      if (!name.ok) continue;
      const key = serializePathElement(name.pe);
      if (seen.has(key) && !duplicated.has(key)) {
        duplicated.add(key);
        set.insert([...path, name.pe]);
      }
      seen.add(key);
    }
    for (const { item, name } of named) {
      if (!name.ok || duplicated.has(serializePathElement(name.pe))) continue;
      const itemPath = [...path, name.pe];
      walk(item, atom.element, itemPath, set);
      set.insert(itemPath);
    }
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, fieldElement(key)];
    walk(child, memberType(atom, key), childPath, set);
    if (child === null || (isJsonObject(child) && Object.keys(child).length === 0) || !isField(atom, key)) set.insert(childPath);
  }
}
