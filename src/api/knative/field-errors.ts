/**
 * The constructors knative.dev/pkg offers for FieldErrors (ErrMissingField, ErrInvalidValue, …),
 * with values printed as Go's fmt `%v` prints them, so that messages read exactly as Knative's.
 */
import { KnFieldError } from './field-error.ts';

/** A value as Go's `fmt.Sprint` / `%v` renders it (strings bare, slices `[a b]`, nil `<nil>`). */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Error) return value.message;
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${goValue(v)}`).join(' ')}]`;
  }
  return String(value);
}

/** Go's `%q`: a double-quoted string with Go escapes. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-7][0-9a-f])/g, (_m, hex: string) => `\\x${hex}`);
}

export const CURRENT_FIELD = '';

export const kn = {
  missingField: (...paths: string[]): KnFieldError => KnFieldError.of('missing field(s)', paths),
  disallowedFields: (...paths: string[]): KnFieldError => KnFieldError.of('must not set the field(s)', paths),
  invalidValue: (value: unknown, path: string, ...details: string[]): KnFieldError =>
    KnFieldError.of(`invalid value: ${goValue(value)}`, [path], details.join(', ')),
  invalidArrayValue: (value: unknown, field: string, index: number): KnFieldError =>
    kn.invalidValue(value, CURRENT_FIELD).viaFieldIndex(field, index),
  generic: (message: string, ...paths: string[]): KnFieldError => KnFieldError.of(message, paths),
  missingOneOf: (...paths: string[]): KnFieldError => KnFieldError.of('expected exactly one, got neither', paths),
  multipleOneOf: (...paths: string[]): KnFieldError => KnFieldError.of('expected exactly one, got both', paths),
  invalidKeyName: (key: string, path: string, ...details: string[]): KnFieldError =>
    KnFieldError.of(`invalid key name ${goQuote(key)}`, [path], details.join(', ')),
  outOfBounds: (value: unknown, lower: unknown, upper: unknown, path: string): KnFieldError =>
    KnFieldError.of(`expected ${goValue(lower)} <= ${goValue(value)} <= ${goValue(upper)}`, [path]),
  /** A FieldError with every part given (message, paths, details). */
  make: (message: string, paths: readonly string[], details = ''): KnFieldError => KnFieldError.of(message, paths, details),
};

export const NONE = KnFieldError.NONE;
