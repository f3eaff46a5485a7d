/**
 * Narrow accessors for unstructured API objects. Built-in kinds arrive as decoded JSON, so a
 * field may be missing, null or of the wrong shape (schema validation reports the latter);
 * these helpers read them the way Go reads a zero value: absent means empty.
 */
export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value if it is an object, else a fresh empty one (reads only; never attached). */
export function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Array entries that are objects; other entries read as empty objects, keeping indices. */
export function objs(v: unknown): Obj[] {
  return arr(v).map(obj);
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function strs(v: unknown): string[] {
  return arr(v).map(str);
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A number where Go would read an int field: absent reads as 0. */
export function int(v: unknown): number {
  return num(v) ?? 0;
}

export function bool(v: unknown): boolean {
  return v === true;
}

/** `map[string]string` fields (labels, selector, data): non-string values are skipped. */
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Whether a field is unset as Go sees it after decoding (missing or JSON null). */
export function isNil(v: unknown): boolean {
  return v === undefined || v === null;
}

/** Whether a string field holds Go's zero value. */
export function isEmptyStr(v: unknown): boolean {
  return isNil(v) || v === '';
}

/** Returns `parent[key]` as an object, creating (and attaching) an empty one when missing. */
export function ensureObj(parent: Obj, key: string): Obj {
  const cur = parent[key];
  if (isObj(cur)) return cur;
  const fresh: Obj = {};
  parent[key] = fresh;
  return fresh;
}

/** Object entries of an array field, for in-place defaulting (non-objects are left alone). */
export function eachObj(v: unknown, fn: (o: Obj, index: number) => void): void {
  if (!Array.isArray(v)) return;
  v.forEach((item, i) => {
    if (isObj(item)) fn(item, i);
  });
}

