/**
 * How Go sees the JSON values JSONPath walks (client-go evaluates over unstructured
 * content: map[string]interface{}, []interface{}, string, int64, float64, bool, nil), and
 * how it compares and prints them (client-go's forked text/template funcs, fmt.Fprint,
 * encoding/json). The renderings themselves are the shared ones of schema/go-format.ts;
 * what is JSONPath's own is the template's float literals.
 */
import { compareGoStrings, goFloat, goJsonMarshal as marshal, goValue, isGoInt } from '../schema/go-format.ts';

/** A float literal from the template (`1.0` is a float64 in Go even though it is integral). */
export class FloatLiteral {
  constructor(readonly value: number) {}
}

export type GoKind = 'nil' | 'map' | 'slice' | 'string' | 'int' | 'float' | 'bool';

export function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (v instanceof FloatLiteral) return 'float';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return isGoInt(v) ? 'int' : 'float';
    case 'object': return 'map';
    default: return 'nil';
  }
}

/** The Go type name client-go puts in "X is not array or slice" errors. */
export function goTypeName(v: unknown): string {
  const names: Record<GoKind, string> = { nil: '<nil>', map: 'map[string]interface {}', slice: '[]interface {}', string: 'string', int: 'int64', float: 'float64', bool: 'bool' };
  return names[goKind(v)];
}

export function numericValue(v: unknown): number {
  return v instanceof FloatLiteral ? v.value : (v as number);
}

/** Unwraps template literals into plain JSON values. */
export function plainValue(v: unknown): unknown {
  return v instanceof FloatLiteral ? v.value : v;
}

// ── comparison (forked text/template Equal/Less) ──────────────────────────────────────

export class ComparisonError extends Error {}

function comparableKind(v: unknown): 'bool' | 'int' | 'float' | 'string' {
  const kind = goKind(v);
  if (kind === 'bool' || kind === 'int' || kind === 'float' || kind === 'string') return kind;
  throw new ComparisonError('invalid type for comparison');
}

export function goEqual(a: unknown, b: unknown): boolean {
  const ka = comparableKind(a);
  const kb = comparableKind(b);
  if (ka !== kb) throw new ComparisonError('incompatible types for comparison');
  if (ka === 'int' || ka === 'float') return numericValue(a) === numericValue(b);
  return a === b;
}

export function goLess(a: unknown, b: unknown): boolean {
  const ka = comparableKind(a);
  const kb = comparableKind(b);
  if (ka !== kb) throw new ComparisonError('incompatible types for comparison');
  if (ka === 'bool') throw new ComparisonError('invalid type for comparison');
  // Go compares strings bytewise (UTF-8), JavaScript by UTF-16 code units; they differ above U+FFFF.
  if (ka === 'string') return compareGoStrings(a as string, b as string) < 0;
  return numericValue(a) < numericValue(b);
}

export function goCompare(operator: string, a: unknown, b: unknown): boolean {
  switch (operator) {
    case '==': return goEqual(a, b);
    case '!=': return !goEqual(a, b);
    case '<': return goLess(a, b);
    case '<=': return goLess(a, b) || goEqual(a, b);
    case '>': return !(goLess(a, b) || goEqual(a, b));
    case '>=': return !goLess(a, b);
    default: throw new ComparisonError(`unrecognized filter operator ${operator}`);
  }
}

// ── printing ──────────────────────────────────────────────────────────────────────────

/** fmt.Fprint of a value (`%v`): what JSONPath prints for scalars. A float literal stays a float64. */
export function goFormatValue(v: unknown): string {
  return v instanceof FloatLiteral ? goFloat(v.value) : goValue(v);
}

/** Go's json.Marshal of a value (template literals unwrapped). */
export function goJsonMarshal(v: unknown): string {
  return marshal(plainValue(v));
}
