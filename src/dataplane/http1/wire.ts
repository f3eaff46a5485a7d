/**
 * Byte-level helpers shared by the HTTP/1.1 parsers and writers: the RFC 9110 character
 * classes, header lookup over flat `[name, value, name, value, …]` arrays (kept in the
 * order and case they arrived, so forwarding is faithful), and a once-a-second `date` value.
 */

export const CRLF = '\r\n';
export const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/** tchar (RFC 9110 §5.6.2): the characters of methods and header names. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Control characters a field value may not carry (HTAB and obs-text are allowed). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const BAD_FIELD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
/** request-target: visible ASCII only (no spaces, controls or raw non-ASCII bytes). */
export const BAD_TARGET = /[^\x21-\x7e]/;

const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/** TOKEN's test over `text[start, end)` without slicing. */
function isTokenRange(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** BAD_FIELD_VALUE's test over `text[start, end)` without slicing. */
export function hasBadFieldByte(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** What `readFieldLine` read: the name as sent and the value without its surrounding whitespace. */
export interface FieldLine {
  name: string;
  value: string;
}

/**
 * Reads the header line `text[start, end)` (`name: value`, without its CRLF) in place into
 * `out`, for both parsers; returns which part is malformed (no colon or an empty name, a
 * name that is not a token, a value with control characters) or undefined when it is sound.
 */
export function readFieldLine(text: string, start: number, end: number, out: FieldLine): 'line' | 'name' | 'value' | undefined {
  const colon = text.indexOf(':', start);
  if (colon <= start || colon > end) return 'line';
  if (!isTokenRange(text, start, colon)) return 'name';
  // The value without its surrounding whitespace (OWS: spaces and tabs).
  let from = colon + 1;
  let to = end;
  while (from < to && (text.charCodeAt(from) === 0x20 || text.charCodeAt(from) === 0x09)) from++;
  while (to > from && (text.charCodeAt(to - 1) === 0x20 || text.charCodeAt(to - 1) === 0x09)) to--;
  if (hasBadFieldByte(text, from, to)) return 'value';
  out.name = text.slice(start, colon);
  out.value = text.slice(from, to);
  return undefined;
}

/** The value of the first header named `lowerName` (already lower-case), or undefined. */
export function headerValue(headers: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return headers[i + 1];
  }
  return undefined;
}

/** True when a comma-separated header value lists `token` (compared case-insensitively). */
export function listHasToken(value: string, token: string): boolean {
  if (value.indexOf(',') < 0) {
    // One element (the usual case): compare it alone, without splitting.
    const v = value.trim();
    return v.length === token.length && v.toLowerCase() === token;
  }
  const lower = value.toLowerCase();
  if (lower === token) return true;
  for (const part of lower.split(',')) if (part.trim() === token) return true;
  return false;
}

let cachedDateSecond = -1;
let cachedDate = '';

/** The HTTP `date` header value, formatted at most once per second. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedDateSecond) {
    cachedDateSecond = second;
    cachedDate = new Date(second * 1000).toUTCString();
  }
  return cachedDate;
}
