/**
 * Renders values the way the Go code we mirror does, so that messages and stored strings
 * match Kubernetes byte for byte: `%v` of decoded JSON (for strategic-merge-patch errors)
 * and encoding/json output (sorted map keys, HTML-safe escapes) for the last-applied
 * annotation and FieldsV1 keys.
 */
import type { JsonValue } from './json.ts';

/** Go's `fmt.Sprintf("%v", v)` for a value decoded into interface{}. */
export function goFormat(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(value[k])}`).join(' ')}]`;
  }
  return String(value);
}

/** Go's `%q` of a string (close enough to strconv.Quote for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

const HAS_HTML_UNSAFE = /[<>&\u2028\u2029]/;

function escapeHtml(jsonText: string): string {
  if (!HAS_HTML_UNSAFE.test(jsonText)) return jsonText;
  return jsonText.replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** encoding/json.Marshal of a map[string]interface{} tree: keys sorted, `<>&` escaped. */
export function goJsonMarshal(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${escapeHtml(JSON.stringify(k))}:${goJsonMarshal(value[k]!)}`).join(',')}}`;
  }
  if (typeof value === 'string') return escapeHtml(JSON.stringify(value));
  return JSON.stringify(value);
}
