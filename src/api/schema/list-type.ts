/**
 * The uniqueness invariants of `x-kubernetes-list-type: set` and `map` lists
 * (apiextensions-apiserver schema/listtype/validation.go): every repeated element of a set,
 * and every element of a map list whose key fields repeat an earlier element's, is a
 * `Duplicate value`. Each repeated value is reported once, at its second occurrence.
 */
import type { FieldError } from '../field-error.ts';
import type { JSONSchemaProps } from '../schema-types.ts';
import { additionalPropertiesSchema, isPlainObject } from './schema-props.ts';

/** Stable identity of a JSON value: scalars by type and value, compounds by their JSON. */
function identity(value: unknown): string {
  if (typeof value === 'object' && value !== null) return `json:${JSON.stringify(sortKeys(value))}`;
  return `${typeof value}:${String(value)}`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isPlainObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  return value;
}

/** Indices of second occurrences (third and later occurrences are not reported again). */
function secondOccurrences(values: readonly unknown[]): number[] {
  const counts = new Map<string, number>();
  const result: number[] = [];
  values.forEach((v, i) => {
    const id = identity(v);
    const times = counts.get(id) ?? 0;
    if (times === 1) result.push(i);
    counts.set(id, times + 1);
  });
  return result;
}

const UNSPECIFIED = Symbol('unspecified key');

function validateMapList(path: string, s: JSONSchemaProps, list: unknown[]): FieldError[] {
  const bad = list.findIndex((x) => x !== null && !isPlainObject(x));
  if (bad >= 0) return [{ type: 'FieldValueInvalid', field: `${path}[${bad}]`, value: list[bad], detail: 'must be an object for an array of list-type map' }];
  if (list.length <= 1) return [];
  const keyFields = s['x-kubernetes-list-map-keys'] ?? [];
  if (keyFields.length === 1) {
    const keyField = keyFields[0]!;
    const keys = list.map((x) => (isPlainObject(x) && Object.prototype.hasOwnProperty.call(x, keyField) ? x[keyField] : UNSPECIFIED));
    const ids = keys.map((k) => (k === UNSPECIFIED ? 'unspecified' : identity(k)));
    return secondOccurrences(ids).map((i) => ({
      type: 'FieldValueDuplicate',
      field: `${path}[${i}]`,
      value: keys[i] === UNSPECIFIED ? {} : { [keyField]: keys[i] },
    }));
  }
  const keys = list.map((x) => {
    const key: Record<string, unknown> = {};
    if (isPlainObject(x)) for (const f of keyFields) if (Object.prototype.hasOwnProperty.call(x, f)) key[f] = x[f];
    return key;
  });
  return secondOccurrences(keys).map((i) => ({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, value: keys[i] }));
}

function walk(path: string, s: JSONSchemaProps | undefined, value: unknown, out: FieldError[]): void {
  if (!s) return;
  if (Array.isArray(value)) {
    if (s['x-kubernetes-list-type'] === 'set') {
      for (const i of secondOccurrences(value)) out.push({ type: 'FieldValueDuplicate', field: `${path}[${i}]`, value: value[i] });
    } else if (s['x-kubernetes-list-type'] === 'map') {
      out.push(...validateMapList(path, s, value));
    }
    if (s.items) value.forEach((item, i) => walk(`${path}[${i}]`, s.items, item, out));
  } else if (isPlainObject(value)) {
    const extra = additionalPropertiesSchema(s);
    if (extra) for (const [k, v] of Object.entries(value)) walk(`${path}[${k}]`, extra, v, out);
    if (s.properties) {
      for (const [k, v] of Object.entries(value)) {
        const prop = s.properties[k];
        if (prop) walk(path === '' ? k : `${path}.${k}`, prop, v, out);
      }
    }
  }
}

/** Duplicate elements in set and map lists anywhere in `obj`. */
export function validateListTypes(obj: unknown, schema: JSONSchemaProps, pathPrefix = ''): FieldError[] {
  const out: FieldError[] = [];
  walk(pathPrefix, schema, obj, out);
  return out;
}
