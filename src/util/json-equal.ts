/**
 * Deep equality of JSON values as they serialise: key order does not matter, and a key whose
 * value is `undefined` counts as absent (JSON.stringify drops it), so an object built in
 * memory equals the stored form it would be written as. Arrays compare in order, numbers by
 * value (0 and -0 are the same number on the wire).
 *
 * `ignore` names keys of the outermost object that are not compared: the API server's no-op
 * check skips `metadata` (compared on its own) without copying the object to drop it.
 */
export function jsonEqual(a: unknown, b: unknown, ignore?: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  return objectsEqual(a as Record<string, unknown>, b as Record<string, unknown>, ignore);
}

function objectsEqual(a: Record<string, unknown>, b: Record<string, unknown>, ignore: ReadonlySet<string> | undefined): boolean {
  let compared = 0;
  for (const key of Object.keys(a)) {
    if (ignore?.has(key)) continue;
    const value = a[key];
    if (value === undefined) continue;
    if (!Object.hasOwn(b, key) || !jsonEqual(value, b[key])) return false;
    compared++;
  }
  // Every key of `a` that counts was found in `b`; `b` may not have more.
  let present = 0;
  for (const key of Object.keys(b)) if (b[key] !== undefined && !ignore?.has(key)) present++;
  return present === compared;
}
