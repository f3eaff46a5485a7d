/**
 * List ordering for strategic merge patch (the "preserve order" design): after a merge,
 * items named by the patch (or by `$setElementOrder`) take the patch's relative order,
 * items only the server has keep theirs, and the two are interleaved using the live list's
 * order as the tie-breaker. Mirrors normalizeElementOrder/mergeSortedSlice in patch.go,
 * including its consequence that a new item not anchored by `$setElementOrder` lands in
 * front of the existing ones.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../json.ts';
import { DELETE_DIRECTIVE, DIRECTIVE_MARKER } from './directives.ts';
import { errBadArgType, errNoMergeKey, invalidPatch } from './errors.ts';

/** Lists of maps are matched by merge key, lists of primitives by value. */
export type ElementKind = 'map' | 'primitive';

function identity(item: JsonValue, mergeKey: string, kind: ElementKind): JsonValue | undefined {
  if (kind === 'primitive') return item;
  return isJsonObject(item) ? item[mergeKey] : undefined;
}

export function indexIn(list: readonly JsonValue[], item: JsonValue, mergeKey: string, kind: ElementKind): number {
  const wanted = identity(item, mergeKey, kind);
  return list.findIndex((candidate) => identity(candidate, mergeKey, kind) === wanted);
}

/** Every element of every list is a map carrying the merge key. */
export function validateMergeKeyInLists(mergeKey: string, ...lists: ReadonlyArray<readonly JsonValue[]>): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isJsonObject(item)) throw errBadArgType('map', item);
      if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

export function findByMergeKey(list: readonly JsonValue[], mergeKey: string, value: JsonValue | undefined): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isJsonObject(item)) throw invalidPatch(`value for key ${i} is not a map`);
    if (Object.hasOwn(item, mergeKey) && item[mergeKey] === value) return i;
  }
  return -1;
}

/** Splits `items` into those named in `partitionBy` and the rest ("server-only"). */
export function partitionByPresence(items: readonly JsonValue[], partitionBy: readonly JsonValue[], mergeKey: string, kind: ElementKind): [JsonValue[], JsonValue[]] {
  const named: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const item of items) {
    let found: boolean;
    if (kind === 'primitive') {
      found = partitionBy.includes(item);
    } else {
      if (!isJsonObject(item)) throw errBadArgType('map', item);
      if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      found = findByMergeKey(partitionBy, mergeKey, item[mergeKey]) >= 0;
    }
    (found ? named : serverOnly).push(item);
  }
  return [named, serverOnly];
}

/** Stable-sorts `items` by their position in `order`; `$patch: delete` items go last. */
function sortByOrder(items: readonly JsonValue[], order: readonly JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  let kept = [...items];
  let deletions: JsonValue[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, items, order);
    kept = items.filter((item) => (item as JsonObject)[DIRECTIVE_MARKER] !== DELETE_DIRECTIVE);
    deletions = items.filter((item) => (item as JsonObject)[DIRECTIVE_MARKER] === DELETE_DIRECTIVE);
  }
  const position = (item: JsonValue): number => indexIn(order, item, mergeKey, kind);
  kept.sort((a, b) => {
    const pa = position(a);
    const pb = position(b);
    return pa >= 0 && pb >= 0 ? pa - pb : 0;
  });
  return [...kept, ...deletions];
}

/**
 * Inserts the server-only items into the patch-ordered items: walking both, a server item
 * goes first only when the live order proves it precedes the next patch item.
 */
function interleave(serverOnly: readonly JsonValue[], patched: readonly JsonValue[], serverOrder: readonly JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patched.length) {
    if (i >= serverOnly.length) {
      out.push(patched[j++]!);
    } else if (j >= patched.length) {
      out.push(serverOnly[i++]!);
    } else {
      const li = indexIn(serverOrder, serverOnly[i]!, mergeKey, kind);
      const ri = indexIn(serverOrder, patched[j]!, mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]!);
      else out.push(patched[j++]!);
    }
  }
  return out;
}

export function normalizeElementOrder(
  patched: readonly JsonValue[], serverOnly: readonly JsonValue[],
  patchOrder: readonly JsonValue[], serverOrder: readonly JsonValue[],
  mergeKey: string, kind: ElementKind,
): JsonValue[] {
  return interleave(sortByOrder(serverOnly, serverOrder, mergeKey, kind), sortByOrder(patched, patchOrder, mergeKey, kind), serverOrder, mergeKey, kind);
}
