/**
 * A deep copy of a JSON value: plain objects, arrays and primitives (what every API object
 * is). Several times faster than `structuredClone`, which has to handle every cloneable
 * type and goes through the serializer; every write copies its object more than once, so
 * the difference shows in how many writes a second skiff takes.
 *
 * Only for JSON: a Date, Map or class instance comes out as a plain object.
 */
export function cloneJson<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    // Assigning `__proto__` would set the prototype; a key of that name (JSON allows it) stays a key.
    if (key === '__proto__') Object.defineProperty(out, key, { value: copy(source[key]), enumerable: true, writable: true, configurable: true });
    else out[key] = copy(source[key]);
  }
  return out;
}
