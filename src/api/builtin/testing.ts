/**
 * Test helpers for reading and editing decoded objects by path (`spec.containers.0.image`)
 * without casting through `any`.
 */
export type Json = Record<string, unknown>;

/** The value at a dotted path (numeric segments index arrays), or undefined. */
export function at(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Json)[key];
  }
  return cur;
}

/** The object at a dotted path, for in-place edits; throws when there is none. */
export function dig(value: unknown, path: string): Json {
  const found = at(value, path);
  if (typeof found !== 'object' || found === null) throw new Error(`no object at ${path}`);
  return found as Json;
}
