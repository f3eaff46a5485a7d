/**
 * One step of a field path, as structured-merge-diff (fieldpath/element.go) defines it:
 * a struct or map member (`f:name`), an associative-list item by its key fields
 * (`k:{"name":"x"}`), a set item by value (`v:"x"`), or a list index (`i:0`). The string
 * forms are exactly those of FieldsV1 (serialize-pe.go); the ordering is PathElement.Compare,
 * which FieldsV1 output follows.
 */
import { compareGoStrings, goJsonMarshal } from '../../../api/schema/go-format.ts';
import type { JsonValue } from '../json.ts';
import { jsonEqual } from '../../../util/json-equal.ts';

export type PathElement =
  | { readonly field: string }
  | { readonly key: ReadonlyArray<readonly [string, JsonValue]> }
  | { readonly value: JsonValue }
  | { readonly index: number };

export type Path = readonly PathElement[];

export const fieldElement = (field: string): PathElement => ({ field });
export const valueElement = (value: JsonValue): PathElement => ({ value });
export const indexElement = (index: number): PathElement => ({ index });

/** A key element with its fields sorted by name, as SMD keeps them. */
export function keyElement(fields: ReadonlyArray<readonly [string, JsonValue]>): PathElement {
  return { key: [...fields].sort((a, b) => compareGoStrings(a[0], b[0])) };
}

const serialized = new WeakMap<PathElement, string>();

/** FieldsV1 form: `f:name`, `k:{"a":1}`, `v:"x"`, `i:3`. Elements are immutable, so the form is cached. */
export function serializePathElement(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  let s = serialized.get(pe);
  if (s === undefined) {
    if ('key' in pe) s = `k:{${pe.key.map(([name, v]) => `${goJsonMarshal(name)}:${goJsonMarshal(v)}`).join(',')}}`;
    else if ('value' in pe) s = `v:${goJsonMarshal(pe.value)}`;
    else s = `i:${pe.index}`;
    serialized.set(pe, s);
  }
  return s;
}

/** Parses a FieldsV1 key; undefined for an unknown type letter (which SMD skips). */
export function parsePathElement(s: string): PathElement | undefined {
  if (s.length < 2) throw new Error(`key must be 2 characters long: ${JSON.stringify(s)}`);
  if (s[1] !== ':') throw new Error(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f': return { field: body };
    case 'v': return { value: JSON.parse(body) as JsonValue };
    case 'i': {
      if (!/^-?[0-9]+$/.test(body)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(body)}: invalid syntax`);
      return { index: Number(body) };
    }
    case 'k': {
      const parsed = JSON.parse(body) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`key element is not an object: ${s}`);
      return keyElement(Object.entries(parsed as Record<string, JsonValue>));
    }
    default: return undefined;
  }
}

/** The human form used in conflict messages: `.name`, `[name="x"]`, `[=value]`, `[0]`. */
export function pathElementToString(pe: PathElement): string {
  if ('field' in pe) return `.${pe.field}`;
  if ('key' in pe) return `[${pe.key.map(([name, v]) => `${name}=${valueToString(v)}`).join(',')}]`;
  if ('value' in pe) return `[=${valueToString(pe.value)}]`;
  return `[${pe.index}]`;
}

export function pathToString(path: Path): string {
  return path.map(pathElementToString).join('');
}

/** SMD value.ToString: strings quoted, lists as `[a,b]`, maps as `k=v` pairs. */
function valueToString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`;
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}=${valueToString(x)}`).join('');
  return String(v);
}

const RANK = (pe: PathElement): number => ('field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3);

/** PathElement.Compare: fields < keys < values < indices, then within each kind. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const rank = RANK(a) - RANK(b);
  if (rank !== 0) return Math.sign(rank);
  if ('field' in a && 'field' in b) return compareGoStrings(a.field, b.field);
  if ('key' in a && 'key' in b) {
    for (let i = 0; ; i++) {
      if (i >= a.key.length && i >= b.key.length) return 0;
      if (i >= a.key.length) return -1;
      if (i >= b.key.length) return 1;
      const byName = compareGoStrings(a.key[i]![0], b.key[i]![0]);
      if (byName !== 0) return byName;
      const byValue = compareValues(a.key[i]![1], b.key[i]![1]);
      if (byValue !== 0) return byValue;
    }
  }
  if ('value' in a && 'value' in b) return compareValues(a.value, b.value);
  if ('index' in a && 'index' in b) return Math.sign(a.index - b.index);
  return 0;
}

/** SMD value.Compare: numbers < strings < booleans < lists < maps < null. */
function compareValues(a: JsonValue, b: JsonValue): number {
  const rank = (v: JsonValue): number => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : Array.isArray(v) ? 3 : v === null ? 5 : 4);
  const r = rank(a) - rank(b);
  if (r !== 0) return Math.sign(r);
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'string' && typeof b === 'string') return compareGoStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; ; i++) {
      if (i >= a.length || i >= b.length) return Math.sign(a.length - b.length);
      const c = compareValues(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
  }
  if (jsonEqual(a, b)) return 0;
  return compareGoStrings(goJsonMarshal(a), goJsonMarshal(b));
}
