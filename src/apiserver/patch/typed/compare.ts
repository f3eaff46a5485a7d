/**
 * What changed between two versions of an object, as field sets (SMD typed/compare.go):
 * leaves and atomic values that appeared, changed or disappeared; granular maps and
 * associative lists are descended, and a map or list that appears or disappears as a whole
 * is itself listed as added or removed.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../json.ts';
import { fieldElement, serializePathElement, type Path, type PathElement } from '../fieldpath/path-element.ts';
import { PathSet, type PathTrieNode } from '../fieldpath/path-set.ts';
import { nameListItem } from './list-items.ts';
import { atomFor, memberType, type Atom, type TypeRef } from './type-model.ts';
import { jsonEqual } from '../../../util/json-equal.ts';

export interface Comparison {
  added: PathSet;
  modified: PathSet;
  removed: PathSet;
}

/**
 * Compares `before` and `after` (undefined = absent) under `type`. Members of `skip` and
 * everything below them are left out, unwalked.
 */
export function compareTyped(before: JsonValue | undefined, after: JsonValue | undefined, type: TypeRef, skip?: PathSet): Comparison {
  const out: Comparison = { added: new PathSet(), modified: new PathSet(), removed: new PathSet() };
  if (before !== undefined || after !== undefined) compareNode(before, after, type, [], out, skip?.trie());
  return out;
}

function compareNode(lhs: JsonValue | undefined, rhs: JsonValue | undefined, type: TypeRef, path: Path, out: Comparison, skip?: PathTrieNode): void {
  // The same value on both sides (a subtree the write did not touch) holds no change.
  if (lhs === rhs && lhs !== undefined && typeof lhs === 'object') return;
  const lAtom = atomFor(type, lhs);
  const rAtom = atomFor(type, rhs);
  let leaf: boolean;
  if (rhs === undefined) leaf = handle(lAtom, lhs, rhs, path, out, skip);
  else if (lhs === undefined || lAtom.kind === rAtom.kind) leaf = handle(rAtom, lhs, rhs, path, out, skip);
  else {
    // The untyped node changed shape: report the old shape's members gone, then the new.
    handle(lAtom, lhs, rhs, path, out, skip);
    leaf = handle(rAtom, lhs, rhs, path, out, skip);
  }
  if (!leaf) {
    if (lhs === undefined) out.added.insert(path);
    else if (rhs === undefined) out.removed.insert(path);
  }
}

/** Returns true when the node was compared as a leaf. */
function handle(atom: Atom, lhs: JsonValue | undefined, rhs: JsonValue | undefined, path: Path, out: Comparison, skip: PathTrieNode | undefined): boolean {
  if (atom.kind === 'scalar') return leafCompare(lhs, rhs, path, out);
  if (atom.kind === 'list') {
    const l = Array.isArray(lhs) ? lhs : undefined;
    const r = Array.isArray(rhs) ? rhs : undefined;
    if (atom.atomic || ((l?.length ?? 0) === 0 && (r?.length ?? 0) === 0)) return leafCompare(lhs, rhs, path, out);
    compareItems(atom, l ?? [], r ?? [], path, out);
    return false;
  }
  const l = isJsonObject(lhs) ? lhs : undefined;
  const r = isJsonObject(rhs) ? rhs : undefined;
  if (atom.atomic || (isEmptyMap(l) && isEmptyMap(r))) return leafCompare(lhs, rhs, path, out);
  const keys = new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {})]);
  for (const key of keys) {
    const pe = fieldElement(key);
    const skipBelow = skip?.children.get(serializePathElement(pe))?.node;
    if (skipBelow?.member) continue;
    const lv = l && Object.hasOwn(l, key) ? l[key] : undefined;
    const rv = r && Object.hasOwn(r, key) ? r[key] : undefined;
    compareNode(lv, rv, memberType(atom, key), [...path, pe], out, skipBelow);
  }
  return false;
}

function leafCompare(lhs: JsonValue | undefined, rhs: JsonValue | undefined, path: Path, out: Comparison): true {
  if (lhs === undefined) out.added.insert(path);
  else if (rhs === undefined) out.removed.insert(path);
  else if (!jsonEqual(lhs, rhs)) out.modified.insert(path);
  return true;
}

function isEmptyMap(m: JsonObject | undefined): boolean {
  if (!m) return true;
  for (const _ in m) return false;
  return true;
}

interface Indexed { pe: PathElement; items: JsonValue[] }

/** Groups a list's items by name, keeping first-seen order; unnameable items are skipped. */
function indexItems(atom: Extract<Atom, { kind: 'list' }>, list: readonly JsonValue[]): Map<string, Indexed> {
  const byName = new Map<string, Indexed>();
  for (const item of list) {
    const name = nameListItem(atom, item);
    if (!name.ok) continue;
    const key = serializePathElement(name.pe);
    const entry = byName.get(key);
    if (entry) entry.items.push(item);
    else byName.set(key, { pe: name.pe, items: [item] });
  }
  return byName;
}

function compareItems(atom: Extract<Atom, { kind: 'list' }>, lhs: readonly JsonValue[], rhs: readonly JsonValue[], path: Path, out: Comparison): void {
  const left = indexItems(atom, lhs);
  const right = indexItems(atom, rhs);
  const names = [...left.keys(), ...[...right.keys()].filter((k) => !left.has(k))];
  for (const name of names) {
    const l = left.get(name)?.items ?? [];
    const r = right.get(name)?.items ?? [];
    const pe = (left.get(name) ?? right.get(name))!.pe;
    const itemPath = [...path, pe];
    if (l.length <= 1 && r.length <= 1) {
      compareNode(l[0], r[0], atom.element, itemPath, out);
    } else if (l.length >= 2 && r.length >= 2) {
      if (l.length !== r.length || l.some((v, i) => !jsonEqual(v, r[i]))) out.modified.insert(itemPath);
    } else if (l.length >= 2) {
      if (r.length !== 0) compareNode(undefined, r[0], atom.element, itemPath, out);
      out.removed.insert(itemPath);
    } else {
      if (l.length !== 0) compareNode(l[0], undefined, atom.element, itemPath, out);
      out.added.insert(itemPath);
    }
  }
}
