/**
 * Plain JSON values as the patch engine sees objects: decoded request bodies and stored
 * objects alike. Every function here is pure; none mutates its arguments.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject { [key: string]: JsonValue }

export type JsonKind = 'null' | 'boolean' | 'number' | 'string' | 'list' | 'map';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonKind(value: JsonValue): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'object': return 'map';
    case 'string': return 'string';
    case 'number': return 'number';
    default: return 'boolean';
  }
}

/** Own-property lookup that never reaches the prototype (keys come from clients). */
export function getField(obj: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * Sets an own property. Plain assignment of `__proto__` would replace the prototype instead
 * of storing a key, so client-supplied keys always go through here.
 */
export function setField(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
