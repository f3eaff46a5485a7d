/**
 * Removing a set of fields from a value (SMD typed/remove.go): members and list items
 * named exactly are dropped; for ones with members below them, the walk descends. A map
 * or list emptied this way becomes null, as in SMD (an intermediate state the field
 * manager relies on); `dropEmptied` turns those into absent members for final results.
 */
import { isJsonObject, setField, type JsonObject, type JsonValue } from '../json.ts';
import { fieldElement } from '../fieldpath/path-element.ts';
import type { PathSet } from '../fieldpath/path-set.ts';
import { nameListItem } from './list-items.ts';
import { atomFor, memberType, type TypeRef } from './type-model.ts';

export function removeItems(value: JsonValue, toRemove: PathSet, type: TypeRef, dropEmptied = false): JsonValue {
  if (toRemove.isEmpty()) return value;
  return walk(value, toRemove, type, dropEmptied) ?? null;
}

/** Returns undefined when everything below was removed (the caller decides null or absent). */
function walk(value: JsonValue, toRemove: PathSet, type: TypeRef, dropEmptied: boolean): JsonValue | undefined {
  const atom = atomFor(type, value);
  if (atom.kind === 'scalar' || atom.atomic) return value;
  if (atom.kind === 'list') {
    if (!Array.isArray(value) || value.length === 0) return value;
    const kept: JsonValue[] = [];
    for (const item of value) {
      const name = nameListItem(atom, item);
      if (!name.ok) {
        kept.push(item);
        continue;
      }
      if (toRemove.has([name.pe])) continue;
      const below = toRemove.withPrefix(name.pe);
      kept.push(below.isEmpty() ? item : emptied(walk(item, below, atom.element, dropEmptied)));
    }
    return kept.length > 0 ? kept : undefined;
  }
  if (!isJsonObject(value) || Object.keys(value).length === 0) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    const pe = fieldElement(key);
    if (toRemove.has([pe])) continue;
    const below = toRemove.withPrefix(pe);
    if (below.isEmpty()) {
      setField(out, key, child);
      continue;
    }
    const rest = walk(child, below, memberType(atom, key), dropEmptied);
    if (rest === undefined && dropEmptied) continue;
    setField(out, key, emptied(rest));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function emptied(value: JsonValue | undefined): JsonValue {
  return value === undefined ? null : value;
}
