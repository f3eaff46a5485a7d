/**
 * The strategic-merge-patch algorithm (apimachinery pkg/util/strategicpatch/patch.go:
 * mergeMap, mergeSlice, applyRetainKeysDirective, mergePatchIntoOriginal), driven by a
 * JSONSchemaProps instead of Go struct tags. Works in place on private copies made by the
 * caller; values taken from the patch are stripped of directives before they are stored.
 */
import { goValue } from '../../../api/schema/go-format.ts';
import type { JSONSchemaProps } from '../../../api/schema-types.ts';
import { getField, isJsonObject, jsonKind, setField, type JsonObject, type JsonValue } from '../json.ts';
import { itemSchema, memberSchema, patchStrategies } from '../schema-nav.ts';
import {
  DELETE_DIRECTIVE, DELETE_FROM_PRIMITIVE_LIST_PREFIX, DIRECTIVE_MARKER, MERGE_DIRECTIVE, MERGE_STRATEGY,
  REPLACE_DIRECTIVE, REPLACE_STRATEGY, RETAIN_KEYS_DIRECTIVE, RETAIN_KEYS_STRATEGY, SET_ELEMENT_ORDER_PREFIX,
  hasDirectiveMarker, patchValueAsNew, stripPatchDirectives,
} from './directives.ts';
import {
  errBadArgType, errBadPatchFormatForPrimitiveList, errBadPatchFormatForRetainKeys, errBadPatchFormatForSetElementOrderList,
  errBadPatchType, errNoListOfLists, errNoMergeKey, invalidPatch,
} from './errors.ts';
import { findByMergeKey, normalizeElementOrder, partitionByPresence, type ElementKind } from './order.ts';

type Schema = JSONSchemaProps | undefined;

/** Merges `patch` into `original`; undefined means the map was deleted (`$patch: delete`). */
export function mergeMap(original: JsonObject, patch: JsonObject, schema: Schema, path: string): JsonObject | undefined {
  if (Object.hasOwn(patch, DIRECTIVE_MARKER)) {
    const directive = patch[DIRECTIVE_MARKER];
    if (directive === REPLACE_DIRECTIVE) return stripPatchDirectives(withoutKey(patch, DIRECTIVE_MARKER)) as JsonObject;
    if (directive === DELETE_DIRECTIVE) return undefined;
    throw errBadPatchType(directive ?? null, patch);
  }
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, schema, path);

  for (const patchKey of Object.keys(patch)) {
    const patchValue = patch[patchKey]!;
    const isDeleteList = patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX);
    const key = isDeleteList ? extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX) : patchKey;
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const current = getField(original, key);
    if (current === undefined || jsonKind(current) !== jsonKind(patchValue)) {
      if (!isDeleteList) storeNew(original, key, patchValue);
      continue;
    }
    const childPath = path === '' ? key : `${path}.${key}`;
    const sub = memberSchema(schema, key);
    if (isJsonObject(current)) {
      const merged = nonRetainStrategy(sub) === REPLACE_STRATEGY
        ? stripPatchDirectives(patchValue)
        : mergeMap(current, patchValue as JsonObject, sub, childPath);
      if (merged === undefined) delete original[key];
      else setField(original, key, merged);
    } else if (Array.isArray(current)) {
      setField(original, key, mergeListField(current, patchValue as JsonValue[], sub, isDeleteList, childPath));
    } else {
      setField(original, key, patchValue);
    }
  }
  return original;
}

function storeNew(target: JsonObject, key: string, patchValue: JsonValue): void {
  const value = patchValueAsNew(patchValue);
  if (value === undefined) delete target[key];
  else setField(target, key, value);
}

function withoutKey(obj: JsonObject, key: string): JsonObject {
  const copy = { ...obj };
  delete copy[key];
  return copy;
}

/** The field's strategy other than retainKeys ("merge", "replace" or ""). */
function nonRetainStrategy(schema: Schema): string {
  const strategies = patchStrategies(schema);
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === RETAIN_KEYS_STRATEGY ? '' : strategies[0]!;
  if (strategies.length === 2 && strategies.includes(RETAIN_KEYS_STRATEGY)) return strategies.find((s) => s !== RETAIN_KEYS_STRATEGY)!;
  throw invalidPatch(`unexpected patch strategy: [${strategies.join(' ')}]`);
}

function mergeKeyOf(schema: Schema): string {
  return schema?.['x-kubernetes-patch-merge-key'] ?? '';
}

/** `$deleteFromPrimitiveList/finalizers` → `finalizers`. */
function extractKey(directiveKey: string, prefix: string): string {
  const slash = directiveKey.indexOf('/');
  if (slash < 0 || directiveKey.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX ? errBadPatchFormatForPrimitiveList() : errBadPatchFormatForSetElementOrderList();
  }
  return directiveKey.slice(slash + 1);
}

/** `$retainKeys`: clear every member of `original` the list does not name. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retained = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(retained)) throw errBadPatchFormatForRetainKeys();
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!retained.includes(key)) throw errBadPatchFormatForRetainKeys();
  }
  for (const key of Object.keys(original)) {
    if (!retained.includes(key)) delete original[key];
  }
}

function mergeListField(current: JsonValue[], patchList: JsonValue[], schema: Schema, isDeleteList: boolean, path: string): JsonValue[] {
  if (nonRetainStrategy(schema) === MERGE_STRATEGY || isDeleteList) {
    return mergeList(current, patchList, itemSchema(schema), mergeKeyOf(schema), isDeleteList, path);
  }
  return stripPatchDirectives(patchList) as JsonValue[];
}

/** Whether a list holds maps or primitives; mixed lists and lists of lists are rejected. */
function elementKind(original: readonly JsonValue[], patch: readonly JsonValue[]): ElementKind {
  let kind: string | undefined;
  for (const item of [...original, ...patch]) {
    const k = jsonKind(item);
    if (kind === undefined) {
      if (k === 'list') throw errNoListOfLists();
      kind = k;
    } else if (k !== kind) {
      throw invalidPatch(`list element types are not identical: ${goValue([original as JsonValue[], patch as JsonValue[]])}`);
    }
  }
  if (kind === undefined) throw invalidPatch('no elements in any of the given slices');
  return kind === 'map' ? 'map' : 'primitive';
}

function mergeList(original: JsonValue[], patch: JsonValue[], items: Schema, mergeKey: string, isDeleteList: boolean, path: string): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  if (kind === 'primitive') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    const merged = [...new Set([...original, ...patch])];
    const [named, serverOnly] = partitionByPresence(merged, patch, '', 'primitive');
    return normalizeElementOrder(named, serverOnly, patch, original, '', 'primitive');
  }
  if (mergeKey === '') throw invalidPatch(`cannot merge lists without merge key for ${path}`);
  const [base, rest] = applySpecialElements(original, patch, mergeKey);
  const merged = mergeByKey(base, rest, mergeKey, items, path);
  const [named, serverOnly] = partitionByPresence(merged, rest, mergeKey, 'map');
  return normalizeElementOrder(named, serverOnly, rest, base, mergeKey, 'map');
}

/**
 * Handles list items carrying `$patch`: `delete` removes every item with that key,
 * `replace` makes the remaining patch items the whole list. Returns the new base list and
 * the ordinary patch items.
 */
function applySpecialElements(original: JsonValue[], patch: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  let base = original;
  let replace = false;
  const ordinary: JsonValue[] = [];
  for (const item of patch) {
    const map = item as JsonObject;
    if (!Object.hasOwn(map, DIRECTIVE_MARKER)) {
      ordinary.push(item);
      continue;
    }
    const directive = map[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) {
      if (!Object.hasOwn(map, mergeKey)) throw errNoMergeKey(map, mergeKey);
      base = base.filter((existing, i) => {
        if (!isJsonObject(existing)) throw invalidPatch(`value for key ${i} is not a map`);
        return !(Object.hasOwn(existing, mergeKey) && existing[mergeKey] === map[mergeKey]);
      });
    } else if (directive === REPLACE_DIRECTIVE) {
      replace = true;
    } else if (directive === MERGE_DIRECTIVE) {
      throw invalidPatch('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive ?? null, map);
    }
  }
  if (replace) return [ordinary.map((item) => patchValueAsNew(item)!), []];
  return [base, ordinary];
}

/** Merges each patch item into the item with the same merge key, appending unmatched ones. */
function mergeByKey(base: JsonValue[], patch: JsonValue[], mergeKey: string, items: Schema, path: string): JsonValue[] {
  const result = [...base];
  for (const item of patch) {
    const map = item as JsonObject;
    if (!Object.hasOwn(map, mergeKey)) throw errNoMergeKey(map, mergeKey);
    const at = findByMergeKey(result, mergeKey, map[mergeKey]);
    if (at >= 0) result[at] = mergeMap(result[at] as JsonObject, map, items, path) ?? {};
    else result.push(patchValueAsNew(map)!);
  }
  return result;
}

/**
 * `$setElementOrder/<field>`: merge that field's patch list now, then order the result as
 * the directive says, keeping server-only items near their live neighbours.
 */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, schema: Schema, path: string): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw errBadArgType('list', order);
    const key = extractKey(directiveKey, SET_ELEMENT_ORDER_PREFIX);
    const current = getField(original, key);
    const patchList = getField(patch, key);
    if (current !== undefined && !Array.isArray(current)) throw errBadArgType('list', current);
    if (patchList !== undefined && !Array.isArray(patchList)) throw errBadArgType('list', patchList);
    const sub = memberSchema(schema, key);
    const mergeKey = mergeKeyOf(sub);
    validateAgainstOrder(patchList ?? [], order, mergeKey);

    let merged: JsonValue[];
    if (current !== undefined && patchList !== undefined) merged = mergeListField(current, patchList, sub, false, path === '' ? key : `${path}.${key}`);
    else if (current !== undefined) merged = current;
    else if (patchList !== undefined) merged = stripPatchDirectives(patchList) as JsonValue[];
    else continue;

    delete patch[key];
    if (merged.length === 0) {
      setField(original, key, merged);
      continue;
    }
    const [named, serverOnly] = partitionByPresence(merged, order, mergeKey, mergeKey === '' ? 'primitive' : 'map');
    const kind = elementKind(current ?? [], patchList ?? []);
    setField(original, key, normalizeElementOrder(named, serverOnly, order, current ?? [], mergeKey, kind));
  }
}

/** The patch list's items must appear in `$setElementOrder` and in the same relative order. */
function validateAgainstOrder(patchList: readonly JsonValue[], order: readonly JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    items = patchList.filter((item) => {
      if (!isJsonObject(item)) throw errBadArgType('map', item);
      return item[DIRECTIVE_MARKER] !== DELETE_DIRECTIVE;
    });
  }
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (hasDirectiveMarker(items[p])) {
      p++;
      continue;
    }
    if (sameIdentity(items[p]!, order[o]!, mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw invalidPatch(`The order in patch list:\n${goValue(patchList as JsonValue[])}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goValue(order as JsonValue[])}\n`);
  }
}

function sameIdentity(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isJsonObject(left)) throw errBadArgType('map', left);
  if (!isJsonObject(right)) throw errBadArgType('map', right);
  if (!Object.hasOwn(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}
