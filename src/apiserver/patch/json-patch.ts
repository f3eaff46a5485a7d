/**
 * JSON patch (RFC 6902), `application/json-patch+json`: `kubectl patch --type=json` and
 * kubectl's managedFields migration after a server-side apply.
 *
 * Operations are applied with fast-json-patch. Before each one we resolve its paths
 * ourselves so that a failure says exactly what evanphx/json-patch v4 (the library
 * kube-apiserver uses) says, and so that its one leniency survives: `replace` of a missing
 * object member sets it. Kubernetes answers every application failure with 422 and the
 * bare phrase "the server rejected our request due to an error in our request"; skiff
 * keeps the phrase and appends the library's reason.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { SkiffError } from '../../errors/skiff-error.ts';
import { getField, isJsonObject, jsonKind, type JsonValue } from './json.ts';
import { cloneJson } from '../../util/clone-json.ts';
import { jsonEqual } from '../../util/json-equal.ts';

/** kube-apiserver's cap (handlers/patch.go maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

const REJECTED = 'the server rejected our request due to an error in our request';
const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Applies `ops` to a copy of `target`; throws SKF_API_BAD_REQUEST, SKF_API_BODY_TOO_LARGE or SKF_API_BAD_PATCH. */
export function applyJsonPatch(target: JsonValue, ops: unknown): JsonValue {
  if (!Array.isArray(ops)) {
    throw new SkiffError('SKF_API_BAD_REQUEST', `json: cannot unmarshal ${goJsonTypeName(ops)} into Go value of type jsonpatch.Patch`);
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new SkiffError('SKF_API_BODY_TOO_LARGE', `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  ops.forEach((op, index) => {
    if (!isJsonObject(op)) throw new SkiffError('SKF_API_BAD_REQUEST', `json: cannot unmarshal ${goJsonTypeName(op)} into Go value of type jsonpatch.Operation (operation ${index})`);
  });
  let doc = cloneJson(target);
  (ops as Record<string, unknown>[]).forEach((op, index) => {
    doc = applyOne(doc, op, index);
  });
  return doc;
}

function applyOne(doc: JsonValue, op: Record<string, unknown>, index: number): JsonValue {
  const kind = typeof op.op === 'string' ? op.op : '';
  if (!OPS.has(kind)) fail(index, op, `Unexpected kind: ${kind}`);
  checkShape(op, kind, index);
  const path = op.path as string;
  const value = cloneJson(op.value) as JsonValue;
  switch (kind) {
    case 'add': {
      const at = locate(doc, path);
      if (!at) fail(index, op, `add operation does not apply: doc is missing path: "${path}": missing value`);
      checkInsertIndex(at, `error in add for path: '${path}'`, index, op);
      return run(doc, { op: 'add', path, value }, index);
    }
    case 'remove': {
      const at = locate(doc, path);
      if (!at) fail(index, op, `remove operation does not apply: doc is missing path: "${path}": missing value`);
      checkExisting(at, `error in remove for path: '${path}'`, index, op);
      return run(doc, { op: 'remove', path }, index);
    }
    case 'replace': {
      if (path === '') return value;
      const at = locate(doc, path);
      if (!at) fail(index, op, `replace operation does not apply: doc is missing path: ${path}: missing value`);
      if (Array.isArray(at.parent)) {
        if (arrayIndex(at.parent, at.key, false) === undefined) fail(index, op, `replace operation does not apply: doc is missing key: ${path}: missing value`);
        return run(doc, { op: 'replace', path, value }, index);
      }
      // evanphx v4 sets a missing member instead of failing (partialDoc.get never errors).
      return run(doc, { op: 'add', path, value }, index);
    }
    case 'move':
    case 'copy': {
      const from = op.from as string;
      const source = locate(doc, from);
      if (!source || readAt(source) === undefined) fail(index, op, `${kind} operation does not apply: doc is missing from path: ${from}: missing value`);
      if (kind === 'move' && (path === from || path.startsWith(`${from}/`))) {
        if (path === from) return doc;
        fail(index, op, `move operation does not apply: doc is missing destination path: ${path}: missing value`);
      }
      const dest = locate(doc, path);
      if (!dest) fail(index, op, `${kind} operation does not apply: doc is missing destination path: ${path}: missing value`);
      checkInsertIndex(dest, kind === 'move' ? `error in move for path: '${path}'` : 'error while adding value during copy', index, op);
      return run(doc, { op: kind, from, path }, index);
    }
    default: { // test
      const actual = path === '' ? doc : (() => {
        const at = locate(doc, path);
        if (!at) fail(index, op, `test operation does not apply: is missing path: ${path}: missing value`);
        return readAt(at);
      })();
      if (!jsonEqual(actual, value)) fail(index, op, `testing value ${path} failed: test failed`);
      return doc;
    }
  }
}

function checkShape(op: Record<string, unknown>, kind: string, index: number): void {
  try {
    jsonpatch.validator(op as unknown as Operation, index);
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'OPERATION_PATH_INVALID') {
      fail(index, op, typeof op.path === 'string' ? `${kind} operation failed to decode path: JSON pointer must be empty or start with a "/": ${op.path}` : `${kind} operation failed to decode path: operation missing path field: missing value`);
    }
    if (name === 'OPERATION_FROM_REQUIRED') fail(index, op, `${kind} operation failed to decode from: operation, missing from field: missing value`);
    if (name === 'OPERATION_VALUE_REQUIRED' || name === 'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED') fail(index, op, `${kind} operation, missing value field: missing value`);
    fail(index, op, (err as Error).message);
  }
  if ((kind === 'move' || kind === 'copy') && !(op.from as string).startsWith('/') && op.from !== '') {
    fail(index, op, `${kind} operation failed to decode from: JSON pointer must be empty or start with a "/": ${String(op.from)}`);
  }
}

/** Where a pointer lands: its parent container and last token, or undefined if the parent is missing. */
interface Location { parent: JsonValue; key: string }

function locate(doc: JsonValue, pointer: string): Location | undefined {
  if (pointer === '') return undefined;
  const tokens = pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: JsonValue | undefined = doc;
  for (const token of tokens.slice(0, -1)) {
    node = child(node, token);
    if (node === undefined) return undefined;
  }
  if (node === undefined || (!Array.isArray(node) && !isJsonObject(node))) return undefined;
  return { parent: node, key: tokens[tokens.length - 1]! };
}

function child(node: JsonValue | undefined, token: string): JsonValue | undefined {
  if (Array.isArray(node)) {
    const i = arrayIndex(node, token, false);
    return i === undefined ? undefined : node[i];
  }
  return isJsonObject(node) ? getField(node, token) : undefined;
}

function readAt(at: Location): JsonValue | undefined {
  return child(at.parent, at.key);
}

/** A decimal index within bounds (`forInsert` also allows the length itself). */
function arrayIndex(list: JsonValue[], token: string, forInsert: boolean): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const i = Number(token);
  return i < list.length || (forInsert && i === list.length) ? i : undefined;
}

function checkInsertIndex(at: Location, prefix: string, index: number, op: Record<string, unknown>): void {
  if (!Array.isArray(at.parent) || at.key === '-') return;
  if (!/^-?[0-9]+$/.test(at.key)) fail(index, op, `${prefix}: value was not a proper array index: '${at.key}': strconv.Atoi: parsing "${at.key}": invalid syntax`);
  if (arrayIndex(at.parent, at.key, true) === undefined) fail(index, op, `${prefix}: Unable to access invalid index: ${at.key}: invalid index referenced`);
}

function checkExisting(at: Location, prefix: string, index: number, op: Record<string, unknown>): void {
  if (Array.isArray(at.parent)) {
    if (arrayIndex(at.parent, at.key, false) === undefined) fail(index, op, `${prefix}: Unable to access invalid index: ${at.key}: invalid index referenced`);
  } else if (readAt(at) === undefined) {
    fail(index, op, `${prefix}: Unable to remove nonexistent key: ${at.key}: missing value`);
  }
}

function run(doc: JsonValue, op: Operation, index: number): JsonValue {
  try {
    return jsonpatch.applyOperation(doc, op, false, true, true, index).newDocument;
  } catch (err) {
    return fail(index, op as unknown as Record<string, unknown>, (err as Error).message);
  }
}

function fail(index: number, op: Record<string, unknown>, reason: string): never {
  throw new SkiffError('SKF_API_BAD_PATCH', `${REJECTED}: ${reason}`, {
    details: {
      status: { causes: [{ reason: 'FieldValueInvalid', message: reason, field: `patch[${index}]` }] },
      jsonPatch: { index, op: op.op, path: op.path },
    },
  });
}

/** The JSON type name Go's decoder reports ("object", "string", …). */
function goJsonTypeName(value: unknown): string {
  if (value === undefined) return 'null';
  const kind = jsonKind(value as JsonValue);
  return kind === 'map' ? 'object' : kind === 'list' ? 'array' : kind;
}
