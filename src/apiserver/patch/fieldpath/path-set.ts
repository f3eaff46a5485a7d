/**
 * A set of field paths, the unit of ownership in server-side apply, stored as a trie like
 * structured-merge-diff's fieldpath.Set: each node knows whether its own path is a member
 * and holds its children keyed by serialized path element. A node's path may be a parent
 * of members without being a member itself (the `.` distinction in FieldsV1).
 *
 * Sets behave as values: operations return new sets that share unchanged subtrees, and
 * `insert` copies a shared node before changing it; `withPrefix` returns a read-only view.
 * Nodes never keep empty subtrees, so emptiness is a local check.
 */
import { comparePathElements, serializePathElement, type Path, type PathElement } from './path-element.ts';

/** A set's trie as serializers read it: members and children keyed by serialized element. */
export interface PathTrieNode {
  readonly member: boolean;
  readonly children: ReadonlyMap<string, { readonly pe: PathElement; readonly node: PathTrieNode }>;
}

interface Node {
  member: boolean;
  children: Map<string, Child>;
  /** The set allowed to mutate this node in place; others copy it first (structural sharing). */
  owner?: PathSet;
}
interface Child { pe: PathElement; node: Node }

const emptyNode = (): Node => ({ member: false, children: new Map() });
const isEmptyNode = (n: Node): boolean => !n.member && n.children.size === 0;

export class PathSet {
  #root: Node = emptyNode();

  constructor(paths: Iterable<Path> = []) {
    for (const p of paths) this.insert(p);
  }

  insert(path: Path): void {
    if (this.#root.owner !== this) this.#root = this.#copy(this.#root);
    let node = this.#root;
    for (const pe of path) {
      const key = serializePathElement(pe);
      let child = node.children.get(key);
      if (!child) {
        child = { pe, node: { member: false, children: new Map(), owner: this } };
        node.children.set(key, child);
      } else if (child.node.owner !== this) {
        child = { pe: child.pe, node: this.#copy(child.node) };
        node.children.set(key, child);
      }
      node = child.node;
    }
    node.member = true;
  }

  #copy(node: Node): Node {
    return { member: node.member, children: new Map(node.children), owner: this };
  }

  has(path: Path): boolean {
    let node: Node | undefined = this.#root;
    for (const pe of path) {
      node = node.children.get(serializePathElement(pe))?.node;
      if (!node) return false;
    }
    return node.member;
  }

  isEmpty(): boolean {
    return isEmptyNode(this.#root);
  }

  get size(): number {
    let count = 0;
    const walk = (n: Node): void => {
      if (n.member) count++;
      for (const c of n.children.values()) walk(c.node);
    };
    walk(this.#root);
    return count;
  }

  /** Members in SMD's order (element by element, PathElement order). */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (n: Node, prefix: PathElement[]): void => {
      if (n.member) out.push([...prefix]);
      for (const c of sortedChildren(n)) {
        prefix.push(c.pe);
        walk(c.node, prefix);
        prefix.pop();
      }
    };
    walk(this.#root, []);
    return out;
  }

  /** The trie itself, read-only: FieldsV1 is this trie with its keys sorted. */
  trie(): PathTrieNode {
    return this.#root;
  }

  /** The first elements of the members' paths (unordered): whether that element alone is a member, and the set below it. */
  children(): Array<{ pe: PathElement; member: boolean; below: PathSet }> {
    return [...this.#root.children.values()].map((c) => ({ pe: c.pe, member: c.node.member, below: PathSet.#view({ member: false, children: c.node.children }) }));
  }

  union(other: PathSet): PathSet {
    return PathSet.#wrapNew(unionNodes(this.#root, other.#root));
  }

  intersection(other: PathSet): PathSet {
    return PathSet.#wrapNew(intersectNodes(this.#root, other.#root) ?? emptyNode());
  }

  /** Members of this set that are not members of `other` (parents are never implied). */
  difference(other: PathSet): PathSet {
    return PathSet.#wrapNew(differenceNodes(this.#root, other.#root, false) ?? emptyNode());
  }

  /** Removes members equal to or below any member of `other`. */
  recursiveDifference(other: PathSet): PathSet {
    return PathSet.#wrapNew(differenceNodes(this.#root, other.#root, true) ?? emptyNode());
  }

  /** The members strictly below `pe`, with `pe` removed from their front (a read-only view). */
  withPrefix(pe: PathElement): PathSet {
    const child = this.#root.children.get(serializePathElement(pe));
    return PathSet.#view(child ? { member: false, children: child.node.children } : emptyNode());
  }

  /** A read-only view of this set (its `insert` throws): safe to cache things against. */
  frozen(): PathSet {
    return this instanceof FrozenPathSet ? this : PathSet.#view(this.#root);
  }

  equals(other: PathSet): boolean {
    return equalNodes(this.#root, other.#root);
  }

  static #wrapNew(root: Node): PathSet {
    const set = new PathSet();
    set.#root = root;
    return set;
  }

  static #view(root: Node): PathSet {
    const set = new FrozenPathSet();
    set.#root = root;
    return set;
  }
}

/** A read-only window onto another set's nodes. */
class FrozenPathSet extends PathSet {
  override insert(): void {
    throw new Error('PathSet view is read-only');
  }
}

function sortedChildren(n: Node): Child[] {
  return [...n.children.values()].sort((a, b) => comparePathElements(a.pe, b.pe));
}

function unionNodes(a: Node, b: Node): Node {
  const out: Node = { member: a.member || b.member, children: new Map(a.children) };
  for (const [key, child] of b.children) {
    const mine = out.children.get(key);
    out.children.set(key, mine ? { pe: mine.pe, node: unionNodes(mine.node, child.node) } : child);
  }
  return out;
}

function intersectNodes(a: Node, b: Node): Node | undefined {
  const out: Node = { member: a.member && b.member, children: new Map() };
  for (const [key, child] of a.children) {
    const theirs = b.children.get(key);
    if (!theirs) continue;
    const both = intersectNodes(child.node, theirs.node);
    if (both) out.children.set(key, { pe: child.pe, node: both });
  }
  return isEmptyNode(out) ? undefined : out;
}

function differenceNodes(a: Node, b: Node, recursive: boolean): Node | undefined {
  const out: Node = { member: a.member && !b.member, children: new Map() };
  for (const [key, child] of a.children) {
    const theirs = b.children.get(key);
    if (!theirs) {
      out.children.set(key, child);
      continue;
    }
    if (recursive && theirs.node.member) continue;
    const rest = differenceNodes(child.node, theirs.node, recursive);
    if (rest) out.children.set(key, { pe: child.pe, node: rest });
  }
  return isEmptyNode(out) ? undefined : out;
}

function equalNodes(a: Node, b: Node): boolean {
  if (a.member !== b.member || a.children.size !== b.children.size) return false;
  for (const [key, child] of a.children) {
    const theirs = b.children.get(key);
    if (!theirs || !equalNodes(child.node, theirs.node)) return false;
  }
  return true;
}
