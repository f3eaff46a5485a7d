/**
 * A set of field paths, the unit of ownership in server-side apply. Kept flat (one entry
 * per member path) because the operations the field manager needs — union, difference,
 * intersection, membership, "members under this element" — are plain set algebra there.
 * A path's prefixes are implicitly present as parents; only listed paths are members,
 * which is exactly SMD's Members/Children distinction (`.` in FieldsV1).
 */
import { comparePathElements, serializePathElement, type Path, type PathElement } from './path-element.ts';

const SEPARATOR = '\u0000';

function keyOf(path: Path): string {
  return path.map(serializePathElement).join(SEPARATOR);
}

export class PathSet {
  readonly #paths = new Map<string, Path>();

  constructor(paths: Iterable<Path> = []) {
    for (const p of paths) this.insert(p);
  }

  insert(path: Path): void {
    this.#paths.set(keyOf(path), [...path]);
  }

  has(path: Path): boolean {
    return this.#paths.has(keyOf(path));
  }

  get size(): number {
    return this.#paths.size;
  }

  isEmpty(): boolean {
    return this.#paths.size === 0;
  }

  /** Members in SMD's iteration order (element by element). */
  paths(): Path[] {
    return [...this.#paths.values()].sort(comparePaths);
  }

  union(other: PathSet): PathSet {
    const out = new PathSet(this.#paths.values());
    for (const p of other.#paths.values()) out.insert(p);
    return out;
  }

  intersection(other: PathSet): PathSet {
    return this.filter((p) => other.has(p));
  }

  /** Members of this set that are not members of `other` (parents are never implied). */
  difference(other: PathSet): PathSet {
    return this.filter((p) => !other.has(p));
  }

  /** Removes members equal to or below any member of `other`. */
  recursiveDifference(other: PathSet): PathSet {
    return this.filter((p) => !p.some((_, i) => other.has(p.slice(0, i + 1))));
  }

  filter(keep: (path: Path) => boolean): PathSet {
    const out = new PathSet();
    for (const p of this.#paths.values()) if (keep(p)) out.insert(p);
    return out;
  }

  /** The members below `pe`, with `pe` removed from their front. */
  withPrefix(pe: PathElement): PathSet {
    const prefix = serializePathElement(pe);
    const out = new PathSet();
    for (const [key, p] of this.#paths) {
      if (p.length > 1 && key.startsWith(prefix + SEPARATOR) && comparePathElements(p[0]!, pe) === 0) out.insert(p.slice(1));
    }
    return out;
  }

  equals(other: PathSet): boolean {
    return this.size === other.size && [...this.#paths.keys()].every((k) => other.#paths.has(k));
  }
}

export function comparePaths(a: Path, b: Path): number {
  for (let i = 0; ; i++) {
    if (i >= a.length && i >= b.length) return 0;
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const c = comparePathElements(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
}
