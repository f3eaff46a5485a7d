/**
 * Typed reads of untyped object fields. API objects arrive as parsed JSON; these narrow a
 * value without trusting its shape (schema validation may not have run yet, or may have
 * let a preserve-unknown subtree through).
 */
export type Fields = Record<string, unknown>;

export function asRecord(value: unknown): Fields | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** `obj.spec` as a record (empty when absent or not an object). */
export function specOf(obj: { spec?: unknown } | Fields): Fields {
  return asRecord((obj as Fields).spec) ?? {};
}

/** Strings of a list field, skipping anything else. */
export function stringList(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === 'string');
}
