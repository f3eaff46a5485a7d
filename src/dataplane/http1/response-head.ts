/**
 * The upstream response-head parser: status line and header fields of one HTTP/1.x
 * response, and how its body is framed given the request it answers (HEAD, 1xx, 204 and
 * 304 carry none; chunked wins over Content-Length; neither means the body runs until the
 * upstream closes). A malformed head is an upstream protocol error (Envoy's 502 `UPE`).
 */
import { hasBadFieldByte, listHasToken, readFieldLine, type FieldLine } from './wire.ts';

export type ResponseFraming = 'none' | 'length' | 'chunked' | 'close';

export interface ResponseHead {
  status: number;
  /** The reason phrase as sent (may be empty). */
  reason: string;
  version: 'HTTP/1.1' | 'HTTP/1.0';
  /** Flat raw pairs as received. */
  headers: string[];
  framing: ResponseFraming;
  contentLength: number;
  /** The upstream connection may carry another request after this response. */
  keepAlive: boolean;
}

export class UpstreamProtocolError extends Error {}

/** Parses the head in `text` (latin1, ending in CRLFCRLF) of a response to `method`. */
export function parseResponseHead(text: string, method: string): ResponseHead {
  let lineEnd = text.indexOf('\r\n');
  // `HTTP/1.x NNN[ reason]`, read by position.
  if (lineEnd < 12 || !text.startsWith('HTTP/1.', 0) || text.charCodeAt(8) !== 0x20 || (lineEnd > 12 && text.charCodeAt(12) !== 0x20)) throw new UpstreamProtocolError('bad status line');
  const minor = text.charCodeAt(7);
  if (minor !== 0x30 && minor !== 0x31) throw new UpstreamProtocolError('bad status line');
  const version = minor === 0x31 ? 'HTTP/1.1' : 'HTTP/1.0';
  const status = digitAt(text, 9) * 100 + digitAt(text, 10) * 10 + digitAt(text, 11);
  if (!(status >= 100) || hasBadFieldByte(text, 13, lineEnd)) throw new UpstreamProtocolError('bad status line');
  const reason = lineEnd > 13 ? text.slice(13, lineEnd) : '';

  const headers: string[] = [];
  let contentLength = -1;
  let chunked = false;
  let connection = '';
  const field: FieldLine = { name: '', value: '' };
  let pos = lineEnd + 2;
  const stop = text.length - 2;
  while (pos < stop) {
    lineEnd = text.indexOf('\r\n', pos);
    const bad = readFieldLine(text, pos, lineEnd, field);
    if (bad) throw new UpstreamProtocolError(`bad header ${bad}`);
    const { name, value } = field;
    pos = lineEnd + 2;
    headers.push(name, value);
    // Only names of the framing fields' lengths can be one of them: skip lower-casing the others.
    const n = name.length;
    if (n !== 14 && n !== 17 && n !== 10) continue;
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      const first = isDigits(value) ? value : value.split(',')[0]!.trim();
      if (!/^[0-9]{1,15}$/.test(first)) throw new UpstreamProtocolError('bad content-length');
      const n = Number(first);
      if (contentLength >= 0 && contentLength !== n) throw new UpstreamProtocolError('differing content-length');
      contentLength = n;
    } else if (lower === 'transfer-encoding') {
      chunked = listHasToken(value, 'chunked');
      if (!chunked) throw new UpstreamProtocolError('unsupported transfer-encoding');
    } else if (lower === 'connection') connection = connection ? `${connection},${value}` : value;
  }

  let framing: ResponseFraming;
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) framing = 'none';
  else if (chunked) framing = 'chunked';
  else if (contentLength >= 0) framing = contentLength === 0 ? 'none' : 'length';
  else framing = 'close';
  const keepAlive =
    framing !== 'close' &&
    (version === 'HTTP/1.1' ? !(connection && listHasToken(connection, 'close')) : connection !== '' && listHasToken(connection, 'keep-alive'));
  return { status, reason, version, headers, framing, contentLength: framing === 'length' ? contentLength : 0, keepAlive };
}

/** The decimal digit at `i`, or NaN (which fails every comparison after it). */
function digitAt(text: string, i: number): number {
  const c = text.charCodeAt(i) - 0x30;
  return c >= 0 && c <= 9 ? c : NaN;
}

function isDigits(value: string): boolean {
  if (value.length === 0 || value.length > 15) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
