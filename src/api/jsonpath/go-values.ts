/**
 * How Go sees the JSON values JSONPath walks (client-go evaluates over unstructured
 * content: map[string]interface{}, []interface{}, string, int64, float64, bool, nil), and
 * how it compares and prints them (client-go's forked text/template funcs, fmt.Fprint,
 * encoding/json).
 */

/** A float literal from the template (`1.0` is a float64 in Go even though it is integral). */
export class FloatLiteral {
  constructor(readonly value: number) {}
}

export type GoKind = 'nil' | 'map' | 'slice' | 'string' | 'int' | 'float' | 'bool';

const INT64_LIMIT = 2 ** 63;

export function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (v instanceof FloatLiteral) return 'float';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return Number.isInteger(v) && Math.abs(v) < INT64_LIMIT ? 'int' : 'float';
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
  if (ka === 'string') return compareUtf8(a as string, b as string) < 0;
  return numericValue(a) < numericValue(b);
}

/** Go compares strings bytewise (UTF-8), JavaScript by UTF-16 code units; they differ above U+FFFF. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
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

/** Go's strconv.FormatFloat(f, 'g', -1, 64), which fmt's %v uses for float64. */
export function goFormatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const sign = f < 0 || Object.is(f, -0) ? '-' : '';
  const abs = Math.abs(f);
  if (abs === 0) return `${sign}0`;
  // JavaScript's toExponential() gives the shortest round-tripping digits, as Go's does.
  const [mantissa, expText] = abs.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e}`;
  }
  const point = exp + 1;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function formatInt(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/** fmt.Fprint of a value (`%v`): what JSONPath prints for scalars. */
export function goFormatValue(v: unknown): string {
  switch (goKind(v)) {
    case 'nil': return '<nil>';
    case 'string': return v as string;
    case 'bool': return String(v);
    case 'int': return formatInt(numericValue(v));
    case 'float': return goFormatFloat(numericValue(v));
    case 'slice': return `[${(v as unknown[]).map(goFormatValue).join(' ')}]`;
    case 'map': {
      const m = v as Record<string, unknown>;
      return `map[${Object.keys(m).sort(compareUtf8).map((k) => `${k}:${goFormatValue(m[k])}`).join(' ')}]`;
    }
  }
}

function sortKeysDeep(v: unknown): unknown {
  if (v instanceof FloatLiteral) return v.value;
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v !== null && typeof v === 'object') {
    const m = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(m).sort(compareUtf8)) {
      Object.defineProperty(out, k, { value: sortKeysDeep(m[k]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

/**
 * Go's json.Marshal: map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped. (Those
 * characters can only occur inside JSON strings, so escaping them everywhere is safe.)
 */
export function goJsonMarshal(v: unknown): string {
  return (JSON.stringify(sortKeysDeep(v)) ?? 'null')
    .replaceAll('<', '\\u003c').replaceAll('>', '\\u003e').replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}
