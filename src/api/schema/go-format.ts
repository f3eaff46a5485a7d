/**
 * Renders and orders values the way Go does, because Kubernetes builds its messages with
 * `%q`, `%v` and `%#v`, stores encoding/json output (the last-applied annotation, FieldsV1
 * keys) and sorts strings bytewise, and kubectl users (and scripts) read those exact strings:
 * `Invalid value: "abc"`, `should be greater than or equal to 1e+06`,
 * `Duplicate value: map[string]interface {}{"name":"http"}`.
 *
 * The values are JSON values (what Kubernetes' unstructured decoding produces): integral
 * numbers stand for Go int64, other numbers for float64, objects for map[string]interface{},
 * arrays for []interface{}.
 */

/**
 * Text that renders verbatim, like a Go value with a String() method or a typed literal
 * (`[]string{"a", "b"}`) that plain JSON cannot express.
 */
export class GoText {
  constructor(readonly text: string) {}
  toString(): string { return this.text; }
}

const INT64_LIMIT = 2 ** 63;

/** Whether a JSON number decodes to int64 in Kubernetes (integral and in range). */
export function isGoInt(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < INT64_LIMIT;
}

/** `%v` of a float64: shortest digits; exponent form when exp < -4 or exp >= 6 (strconv's 'g' with shortest precision), so 1e6 prints as `1e+06`. */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${exp < 0 ? '-' : '+'}${digits}`;
  }
  return String(n);
}

/** `%v` of a JSON number: int64 when integral, float64 otherwise. */
export function goNumber(n: number): string {
  if (!isGoInt(n)) return goFloat(n);
  // Past 2^53 String() rounds to 17 significant digits; Go prints the int64's exact digits.
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/** A UTF-16 surrogate: where JavaScript's string order and Go's byte order can differ. */
export const SURROGATE = /[\ud800-\udfff]/;

/**
 * Go's string order (strings.Compare: bytewise on UTF-8), as a sort comparator. UTF-16
 * code-unit order agrees with it unless a surrogate pair is involved, so only those strings
 * pay for encoding.
 */
export function compareGoStrings(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

/** The keys of a decoded JSON object in the order Go iterates a sorted map. */
function goSortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  keys.sort();
  return keys.some((k) => SURROGATE.test(k)) ? keys.sort(compareGoStrings) : keys;
}

/**
 * `%v` (fmt.Fprint) of an unstructured JSON value: `<nil>`, strings bare, `[a b]`,
 * `map[k:v]` with sorted keys.
 */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goNumber(value);
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (typeof value === 'object') {
    const map = value as Record<string, unknown>;
    return `map[${goSortedKeys(map).map((k) => `${k}:${goValue(map[k])}`).join(' ')}]`;
  }
  return String(value);
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HAS_HTML_UNSAFE = /[<>&\u2028\u2029]/;

/** encoding/json's HTML-safe escaping of `<`, `>`, `&`, U+2028 and U+2029 in string literals. */
function escapeHtml(jsonText: string): string {
  if (!HAS_HTML_UNSAFE.test(jsonText)) return jsonText;
  return jsonText.replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * encoding/json.Marshal of an unstructured JSON value (map[string]interface{} tree): map keys
 * in Go's sorted order, HTML-unsafe characters escaped. Absent (undefined) members are
 * skipped, as JSON.stringify skips them.
 */
export function goJsonMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return escapeHtml(JSON.stringify(value));
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
  if (typeof value === 'object') {
    const map = value as Record<string, unknown>;
    const members: string[] = [];
    for (const k of goSortedKeys(map)) if (map[k] !== undefined) members.push(`${escapeHtml(JSON.stringify(k))}:${goJsonMarshal(map[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const NAMED_ESCAPES: Record<string, string> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"',
};

/** strconv.Quote: double-quoted, Go escapes, printable Unicode kept as is. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = NAMED_ESCAPES[ch];
    if (named) { out += named; continue; }
    if (PRINTABLE.test(ch)) { out += ch; continue; }
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** `%#v` of an unstructured JSON value (as held in an interface{}). */
export function goSyntax(value: unknown): string {
  if (value instanceof GoText) return value.text;
  if (value === null || value === undefined) return 'interface {}(nil)';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSyntax).join(', ')}}`;
  if (typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${goQuote(k)}:${goSyntax((value as Record<string, unknown>)[k])}`);
    return `map[string]interface {}{${entries.join(', ')}}`;
  }
  return String(value);
}

/** `%#v` of a Go []string, as messages about typed string lists print it. */
export function goStringSlice(values: readonly string[]): GoText {
  return new GoText(`[]string{${values.map(goQuote).join(', ')}}`);
}

/**
 * How field.Error renders its BadValue (apimachinery field/errors.go ErrorBody): nil as
 * "null" (quoted, since it becomes the string "null"), strings with %q, numbers and bools
 * with %v, Stringers verbatim, everything else with %#v.
 */
export function goBadValue(value: unknown): string {
  if (value instanceof GoText) return value.text;
  if (value === null || value === undefined) return '"null"';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  return goSyntax(value);
}

/** The type name kube-openapi reports for a JSON value (`must be of type boolean: "string"`). */
export function jsonTypeName(value: unknown): 'null' | 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return isGoInt(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  return 'object';
}
