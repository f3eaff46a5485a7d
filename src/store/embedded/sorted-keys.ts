/**
 * The key order behind prefix lists: a sorted set of strings kept as a list of small sorted
 * chunks, so an insert or delete moves at most one chunk's worth of entries instead of
 * the whole array (a flat sorted array costs O(n) per create, which shows at 100k keys).
 *
 * Order is JavaScript string order (UTF-16 code units), which equals etcd's byte order for
 * the ASCII keys the API server uses.
 */
const MAX_CHUNK = 512;

interface Position {
  chunk: number;
  index: number;
}

export class SortedKeys {
  private chunks: string[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.count = 1;
      return;
    }
    const chunkIndex = Math.min(this.chunkFor(key), this.chunks.length - 1);
    const chunk = this.chunks[chunkIndex]!;
    const index = lowerBound(chunk, key);
    if (chunk[index] === key) return;
    chunk.splice(index, 0, key);
    this.count++;
    if (chunk.length > MAX_CHUNK) {
      this.chunks.splice(chunkIndex + 1, 0, chunk.splice(MAX_CHUNK >> 1));
    }
  }

  delete(key: string): boolean {
    const chunkIndex = this.chunkFor(key);
    const chunk = this.chunks[chunkIndex];
    if (chunk === undefined) return false;
    const index = lowerBound(chunk, key);
    if (chunk[index] !== key) return false;
    chunk.splice(index, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(chunkIndex, 1);
    return true;
  }

  /**
   * Calls `visit` with each key >= `start` (or > `start` when `exclusive`), in order, until
   * `visit` returns false.
   */
  forEachFrom(start: string, exclusive: boolean, visit: (key: string) => boolean): void {
    const from = this.seek(start, exclusive);
    for (let c = from.chunk; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      for (let i = c === from.chunk ? from.index : 0; i < chunk.length; i++) {
        if (!visit(chunk[i]!)) return;
      }
    }
  }

  /** How many keys k satisfy start <(=) k < end (`end` undefined = no upper limit). */
  countBetween(start: string, exclusive: boolean, end: string | undefined): number {
    const from = this.rank(this.seek(start, exclusive));
    const to = end === undefined ? this.count : this.rank(this.seek(end, false));
    return Math.max(0, to - from);
  }

  /** Index of the first chunk whose last key is >= key (chunks.length if none). */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid]!;
      if (chunk[chunk.length - 1]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private seek(key: string, exclusive: boolean): Position {
    const chunkIndex = this.chunkFor(key);
    const chunk = this.chunks[chunkIndex];
    if (chunk === undefined) return { chunk: this.chunks.length, index: 0 };
    let index = lowerBound(chunk, key);
    if (exclusive && chunk[index] === key) index++;
    if (index === chunk.length) return { chunk: chunkIndex + 1, index: 0 };
    return { chunk: chunkIndex, index };
  }

  private rank(position: Position): number {
    let before = position.index;
    for (let c = 0; c < position.chunk && c < this.chunks.length; c++) before += this.chunks[c]!.length;
    return before;
  }
}

function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The smallest string greater than every string that starts with `prefix` (undefined: none). */
export function prefixEnd(prefix: string): string | undefined {
  let end = prefix;
  while (end.length > 0) {
    const last = end.charCodeAt(end.length - 1);
    if (last < 0xffff) return end.slice(0, -1) + String.fromCharCode(last + 1);
    end = end.slice(0, -1);
  }
  return undefined;
}
