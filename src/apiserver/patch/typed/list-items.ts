/**
 * Naming the items of an associative list (SMD typed/helpers.go listItemToPathElement):
 * keyed lists name an item by its key fields (falling back to a key field's schema
 * default), sets by the item's value.
 */
import { isJsonObject, type JsonValue } from '../json.ts';
import { keyElement, valueElement, type PathElement } from '../fieldpath/path-element.ts';
import { keyDefault, type Atom } from './type-model.ts';

type ListAtom = Extract<Atom, { kind: 'list' }>;

export type ItemName = { ok: true; pe: PathElement } | { ok: false; error: string };

export function nameListItem(list: ListAtom, item: JsonValue): ItemName {
  if (list.keys.length > 0) {
    if (item === null) return { ok: false, error: 'associative list with keys may not have a null element' };
    if (!isJsonObject(item)) return { ok: false, error: 'associative list with keys may not have non-map elements' };
    const fields: Array<[string, JsonValue]> = [];
    for (const name of list.keys) {
      if (Object.hasOwn(item, name)) fields.push([name, item[name]!]);
      else {
        const fallback = keyDefault(list, name);
        if (fallback !== undefined) fields.push([name, fallback]);
      }
    }
    if (fields.length === 0) {
      return { ok: false, error: `associative list with keys has an element that omits all key fields [${list.keys.map((k) => JSON.stringify(k)).join(' ')}] (and doesn't have default values for any key fields)` };
    }
    return { ok: true, pe: keyElement(fields) };
  }
  if (isJsonObject(item)) return { ok: false, error: "associative list without keys has an element that's a map type" };
  if (Array.isArray(item)) return { ok: false, error: 'not supported: associative list with lists as elements' };
  if (item === null) return { ok: false, error: "associative list without keys has an element that's an explicit null" };
  return { ok: true, pe: valueElement(item) };
}
