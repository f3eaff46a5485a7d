/**
 * Small accessors for walking admitted objects, which are plain JSON whose shape is only
 * trusted after schema validation: defaulting runs before it, so every read checks the type.
 */
import { jsonEqual } from '../../../util/json-equal.ts';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at `key`, or undefined when absent or not an object. */
export function obj(parent: unknown, key: string): Json | undefined {
  if (!isObject(parent)) return undefined;
  const v = parent[key];
  return isObject(v) ? v : undefined;
}

/** The object at `key`, created empty when absent (not when it holds something else). */
export function ensureObj(parent: Json, key: string): Json | undefined {
  if (parent[key] === undefined || parent[key] === null) parent[key] = {};
  const v = parent[key];
  return isObject(v) ? v : undefined;
}

/** The string at `key`, or '' (Go's zero value) when absent or not a string. */
export function str(parent: unknown, key: string): string {
  if (!isObject(parent)) return '';
  const v = parent[key];
  return typeof v === 'string' ? v : '';
}

/** The number at `key`, or undefined. */
export function num(parent: unknown, key: string): number | undefined {
  if (!isObject(parent)) return undefined;
  const v = parent[key];
  return typeof v === 'number' ? v : undefined;
}

/** The array at `key`, or []. */
export function list(parent: unknown, key: string): unknown[] {
  if (!isObject(parent)) return [];
  const v = parent[key];
  return Array.isArray(v) ? v : [];
}

/** The string map at `key` (labels, annotations), or {}. */
export function stringMap(parent: unknown, key: string): Record<string, string> {
  const m = obj(parent, key);
  if (!m) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Present and not null. */
export function has(parent: unknown, key: string): boolean {
  return isObject(parent) && parent[key] !== undefined && parent[key] !== null;
}

/** Drops null, {} and [] values recursively: what decoding into Go structs makes of them. */
export function pruneEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneEmpty);
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    const p = pruneEmpty(x);
    if (p === null || p === undefined) continue;
    if (Array.isArray(p) && p.length === 0) continue;
    if (isObject(p) && Object.keys(p).length === 0) continue;
    out[k] = p;
  }
  return out;
}

/** Equality after pruneEmpty, close to Go's semantic DeepEqual of the decoded structs. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return jsonEqual(pruneEmpty(a), pruneEmpty(b));
}
