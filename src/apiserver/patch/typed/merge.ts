/**
 * Merging an applied configuration into the live object (SMD typed/merge.go with the
 * "keep RHS" rule): leaves and atomic values take the applied value; granular maps merge
 * member by member; associative lists merge item by item, keeping live-only items where
 * they were and otherwise following the applied order. Nothing is removed here — removal
 * of fields the applier gave up is the field manager's prune step.
 */
import { isJsonObject, setField, type JsonObject, type JsonValue } from '../json.ts';
import { serializePathElement } from '../fieldpath/path-element.ts';
import { nameListItem } from './list-items.ts';
import { atomFor, memberType, type Atom, type TypeRef } from './type-model.ts';
import { cloneJson } from '../../../util/clone-json.ts';

/** Merges `rhs` (the applied config) over `lhs` (live); either may be undefined. */
export function mergeTyped(lhs: JsonValue | undefined, rhs: JsonValue | undefined, type: TypeRef): JsonValue | undefined {
  if (lhs === undefined) return rhs === undefined ? undefined : cloneJson(rhs);
  if (rhs === undefined) return cloneJson(lhs);
  const lAtom = atomFor(type, lhs);
  const rAtom = atomFor(type, rhs);
  // An untyped node that changed shape simply takes the applied value.
  if (lAtom.kind !== rAtom.kind) return cloneJson(rhs);
  return mergeAtom(rAtom, lhs, rhs);
}

function mergeAtom(atom: Atom, lhs: JsonValue, rhs: JsonValue): JsonValue {
  if (atom.kind === 'scalar' || atom.atomic) return cloneJson(rhs);
  if (atom.kind === 'list') {
    const l = Array.isArray(lhs) ? lhs : [];
    const r = Array.isArray(rhs) ? rhs : [];
    if (l.length === 0 && r.length === 0) return cloneJson(rhs);
    return mergeItems(atom, l, r);
  }
  const l = isJsonObject(lhs) ? lhs : undefined;
  const r = isJsonObject(rhs) ? rhs : undefined;
  if (!r || Object.keys(r).length === 0) {
    if (!l || Object.keys(l).length === 0) return cloneJson(rhs);
  }
  const out: JsonObject = {};
  for (const key of Object.keys(l ?? {})) {
    const rv = r && Object.hasOwn(r, key) ? r[key] : undefined;
    setField(out, key, mergeTyped(l![key], rv, memberType(atom, key))!);
  }
  for (const key of Object.keys(r ?? {})) {
    if (l && Object.hasOwn(l, key)) continue;
    setField(out, key, cloneJson(r![key]!));
  }
  return out;
}

interface Named { key: string; item: JsonValue }

function nameAll(atom: Extract<Atom, { kind: 'list' }>, list: readonly JsonValue[]): Named[] {
  return list.map((item) => {
    const name = nameListItem(atom, item);
    // Live items that cannot be named (only possible in data written before validation)
    // are carried through under a name nothing in the config can match.
    return { key: name.ok ? serializePathElement(name.pe) : `\u0000unnamed:${JSON.stringify(item)}`, item };
  });
}

/**
 * The item order of SMD's visitListItems: walk live and applied lists together; an item
 * both have is emitted when the applied list reaches it (its applied position wins), a
 * live-only item stays where it was.
 */
function mergeItems(atom: Extract<Atom, { kind: 'list' }>, lhs: readonly JsonValue[], rhs: readonly JsonValue[]): JsonValue[] {
  const left = nameAll(atom, lhs);
  const right = nameAll(atom, rhs);
  const leftByKey = new Map<string, JsonValue | null>();
  for (const { key, item } of left) leftByKey.set(key, leftByKey.has(key) ? null : item);
  const rightByKey = new Map(right.map(({ key, item }) => [key, item]));
  const shared = right.filter(({ key }) => leftByKey.has(key)).map(({ key }) => key);
  let nextShared: string | undefined = shared.shift();
  const emitted = new Set<string>();
  const out: JsonValue[] = [];
  const emit = (value: JsonValue | undefined): void => {
    if (value !== undefined) out.push(value);
  };

  let li = 0;
  let ri = 0;
  while (li < left.length || ri < right.length) {
    if (li < left.length && ri < right.length) {
      const lKey = left[li]!.key;
      if (lKey === right[ri]!.key) {
        emitted.add(lKey);
        emit(mergeTyped(leftByKey.get(lKey) ?? undefined, rightByKey.get(lKey), atom.element));
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (rightByKey.has(lKey) && nextShared !== undefined && nextShared !== lKey) {
        li++;
        continue;
      }
    }
    if (li < left.length) {
      const { key, item } = left[li]!;
      if (!rightByKey.has(key)) {
        emit(mergeTyped(item, undefined, atom.element));
        li++;
        continue;
      }
      if (emitted.has(key)) li++;
    }
    if (ri < right.length) {
      const { key } = right[ri]!;
      emitted.add(key);
      emit(mergeTyped(leftByKey.get(key) ?? undefined, rightByKey.get(key), atom.element));
      ri++;
      if (nextShared === key) nextShared = shared.shift();
    }
  }
  return out;
}
