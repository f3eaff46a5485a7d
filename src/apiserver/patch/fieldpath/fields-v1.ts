/**
 * FieldsV1, the JSON form of a field set stored in `metadata.managedFields[].fieldsV1`
 * (structured-merge-diff fieldpath/serialize.go): nested objects keyed by serialized path
 * elements, `{}` for a leaf member, and `".": {}` marking a member that also has children.
 * Keys come out in PathElement order with `.` first, as kube-apiserver writes them.
 */
import type { JsonObject } from '../json.ts';
import { comparePathElements, parsePathElement, serializePathElement, type Path, type PathElement } from './path-element.ts';
import { PathSet } from './path-set.ts';

interface Node { member: boolean; children: Map<string, { pe: PathElement; node: Node }> }

const newNode = (): Node => ({ member: false, children: new Map() });

export function fieldsV1FromPaths(set: PathSet): JsonObject {
  const root = newNode();
  for (const path of set.paths()) {
    let node = root;
    for (const pe of path) {
      const key = serializePathElement(pe);
      let next = node.children.get(key);
      if (!next) {
        next = { pe, node: newNode() };
        node.children.set(key, next);
      }
      node = next.node;
    }
    node.member = true;
  }
  return emit(root);
}

function emit(node: Node): JsonObject {
  const out: JsonObject = {};
  if (node.member && node.children.size > 0) out['.'] = {};
  const children = [...node.children.entries()].sort((a, b) => comparePathElements(a[1].pe, b[1].pe));
  for (const [key, child] of children) {
    Object.defineProperty(out, key, { value: emit(child.node), enumerable: true, writable: true, configurable: true });
  }
  return out;
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
