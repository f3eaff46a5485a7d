/**
 * FieldsV1, the JSON form of a field set stored in `metadata.managedFields[].fieldsV1`
 * (structured-merge-diff fieldpath/serialize.go): nested objects keyed by serialized path
 * elements, `{}` for a leaf member, and `".": {}` marking a member that also has children.
 * Keys come out in PathElement order with `.` first, as kube-apiserver writes them.
 */
import type { JsonObject } from '../json.ts';
import { SURROGATE } from '../../../api/schema/go-format.ts';
import { comparePathElements, parsePathElement, type Path, type PathElement } from './path-element.ts';
import { PathSet, type PathTrieNode } from './path-set.ts';

export function fieldsV1FromPaths(set: PathSet): JsonObject {
  return emit(set.trie());
}

/** Walks the set's own trie: its keys already are FieldsV1 keys, only their order is to be made. */
function emit(node: PathTrieNode): JsonObject {
  const out: JsonObject = {};
  const children = node.children;
  if (children.size === 0) return out;
  if (node.member) out['.'] = {};
  // Plain assignment is safe: every key carries a type prefix (`f:`, `k:`, …), so none is `__proto__`.
  for (const key of sortedKeys(children)) out[key] = emit(children.get(key)!.node);
  return out;
}

/**
 * The keys in PathElement order. Most nodes hold field names only: those sort as plain
 * strings (one prefix, and without surrogates JavaScript's UTF-16 order is Go's byte order),
 * which spares the element comparison per pair on every write.
 */
function sortedKeys(children: PathTrieNode['children']): string[] {
  const keys = [...children.keys()];
  if (keys.length < 2) return keys;
  if (keys.every((k) => k.startsWith('f:') && !SURROGATE.test(k))) return keys.sort();
  return keys.sort((a, b) => comparePathElements(children.get(a)!.pe, children.get(b)!.pe));
}

/**
 * Reads a FieldsV1 object. Unknown element types are skipped (as SMD does); malformed keys
 * throw, naming the key.
 */
export function pathsFromFieldsV1(fields: unknown): PathSet {
  const set = new PathSet();
  if (fields === undefined || fields === null) return set;
  if (typeof fields !== 'object' || Array.isArray(fields)) throw new Error('FieldsV1 must be a JSON object');
  read(fields as Record<string, unknown>, [], set);
  return set;
}

/** Returns whether the node at `prefix` is itself a member. */
function read(node: Record<string, unknown>, prefix: Path, set: PathSet): boolean {
  let member = false;
  let hasChildren = false;
  for (const [key, child] of Object.entries(node)) {
    if (key === '.') {
      member = true;
      continue;
    }
    let pe: PathElement | undefined;
    try {
      pe = parsePathElement(key);
    } catch (err) {
      throw new Error(`parsing key as path element ${JSON.stringify(key)}: ${(err as Error).message}`);
    }
    if (!pe) continue;
    if (typeof child !== 'object' || child === null || Array.isArray(child)) throw new Error(`value of ${JSON.stringify(key)} must be an object`);
    hasChildren = true;
    const path = [...prefix, pe];
    if (read(child as Record<string, unknown>, path, set)) set.insert(path);
  }
  return member || !hasChildren;
}
