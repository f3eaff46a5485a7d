/**
 * The downstream request-head parser: request line and header fields of one HTTP/1.x
 * request, read from raw socket bytes, validated strictly enough to close every
 * request-smuggling shape Envoy's HTTP/1 codec closes (both Content-Length and
 * Transfer-Encoding, differing Content-Lengths, obs-fold, bare LF, whitespace before the
 * colon, control characters). Only what routing and framing need is interpreted; the raw
 * name/value pairs are kept, in order, for forwarding.
 *
 * A failure is a `HeadError` carrying the status Envoy answers with (400, 431, 426, 501)
 * and its `%RESPONSE_CODE_DETAILS%`; the connection is closed after that reply.
 */
import { BAD_TARGET, TOKEN, listHasToken, readFieldLine, type FieldLine } from './wire.ts';

export type BodyFraming = 'none' | 'length' | 'chunked';

export interface RequestHead {
  method: string;
  /** The request-target as received (origin-form path, or absolute-form URL). */
  target: string;
  /** The path to route on: the target, or the path part of an absolute-form target. */
  path: string;
  /** `HTTP/1.1` or `HTTP/1.0`. */
  version: 'HTTP/1.1' | 'HTTP/1.0';
  /** Flat raw pairs: `[name0, value0, name1, value1, …]`, case and order as received. */
  headers: string[];
  /** Host header (or the absolute-form target's authority); '' when absent (HTTP/1.0). */
  authority: string;
  framing: BodyFraming;
  /** Body length when `framing` is `length`, else 0. */
  contentLength: number;
  /** The client wants the connection kept open after this exchange. */
  keepAlive: boolean;
  /** The protocol asked for with `Connection: upgrade` + `Upgrade: x` (lower-case), if any. */
  upgrade: string | undefined;
  expectContinue: boolean;
  /** Bytes of the head including the final CRLFCRLF. */
  headBytes: number;
}

export interface HeadLimits {
  /** Envoy's max_request_headers_kb default: 60 KiB (request line included). */
  maxHeadBytes: number;
  /** Envoy's max_headers_count default: 100. */
  maxHeaders: number;
  /** Envoy rejects HTTP/1.0 with 426 unless accept_http_10 is set (Istio: PILOT_HTTP10). */
  acceptHttp10: boolean;
}

export const DEFAULT_HEAD_LIMITS: HeadLimits = { maxHeadBytes: 60 * 1024, maxHeaders: 100, acceptHttp10: false };

export class HeadError extends Error {
  constructor(
    readonly status: number,
    /** Envoy's response code details, e.g. `http1.codec_error`. */
    readonly details: string,
  ) {
    super(details);
  }
}

const MAX_SAFE_LENGTH_DIGITS = 15;

/**
 * Parses the head in `text` (latin1 decoding of the bytes up to and including CRLFCRLF,
 * leading empty lines already skipped). Throws `HeadError` on anything malformed.
 */
export function parseRequestHead(text: string, limits: HeadLimits = DEFAULT_HEAD_LIMITS): RequestHead {
  let lineEnd = text.indexOf('\r\n');
  const requestLine = text.slice(0, lineEnd);
  if (requestLine.includes('\n')) throw new HeadError(400, 'http1.codec_error');
  const sp1 = requestLine.indexOf(' ');
  const sp2 = requestLine.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 === sp1) throw new HeadError(400, 'http1.codec_error');
  const method = requestLine.slice(0, sp1);
  const target = requestLine.slice(sp1 + 1, sp2);
  const versionText = requestLine.slice(sp2 + 1);
  if (!TOKEN.test(method)) throw new HeadError(400, 'http1.codec_error');
  if (target.length === 0 || BAD_TARGET.test(target)) throw new HeadError(400, 'http1.codec_error');
  let version: RequestHead['version'];
  if (versionText === 'HTTP/1.1') version = 'HTTP/1.1';
  else if (versionText === 'HTTP/1.0') {
    if (!limits.acceptHttp10) throw new HeadError(426, 'low_version');
    version = 'HTTP/1.0';
  } else throw new HeadError(400, 'http1.codec_error');
  if (method === 'CONNECT') throw new HeadError(400, 'http1.connect_unsupported');

  const headers: string[] = [];
  let host: string | undefined;
  let contentLength = -1;
  let transferEncoding: string | undefined;
  let connection = '';
  let upgradeValue: string | undefined;
  let expectContinue = false;
  let count = 0;
  const field: FieldLine = { name: '', value: '' };
  let pos = lineEnd + 2;
  // The head ends with an empty line: text ends in CRLFCRLF, so the last header line ends at text.length - 4.
  const stop = text.length - 2;
  while (pos < stop) {
    lineEnd = text.indexOf('\r\n', pos);
    if (++count > limits.maxHeaders) throw new HeadError(431, 'http1.too_many_headers');
    const first = text.charCodeAt(pos);
    if (first === 0x20 || first === 0x09) throw new HeadError(400, 'http1.codec_error'); // obs-fold
    const bad = readFieldLine(text, pos, lineEnd, field);
    if (bad) throw new HeadError(400, bad === 'line' ? 'http1.codec_error' : 'http1.invalid_characters');
    const { name, value } = field;
    pos = lineEnd + 2;
    headers.push(name, value);
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'host') {
          if (host !== undefined) throw new HeadError(400, 'http1.codec_error');
          host = value;
        }
        break;
      case 6:
        if (name.toLowerCase() === 'expect' && value.toLowerCase() === '100-continue') expectContinue = true;
        break;
      case 7:
        if (name.toLowerCase() === 'upgrade') upgradeValue = value.toLowerCase();
        break;
      case 10:
        if (name.toLowerCase() === 'connection') connection = connection ? `${connection},${value}` : value;
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') contentLength = mergeContentLength(contentLength, value);
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
        break;
    }
  }

  let framing: BodyFraming = 'none';
  if (transferEncoding !== undefined) {
    if (version === 'HTTP/1.0') throw new HeadError(400, 'http1.invalid_transfer_encoding');
    // Only a lone `chunked` is accepted; anything else Envoy answers with 501.
    if (transferEncoding.trim().toLowerCase() !== 'chunked') throw new HeadError(501, 'http1.invalid_transfer_encoding');
    if (contentLength >= 0) throw new HeadError(400, 'http1.content_length_and_chunked_not_allowed');
    framing = 'chunked';
  } else if (contentLength > 0) framing = 'length';

  let path = target;
  let authority = host ?? '';
  if (target.charCodeAt(0) !== 0x2f /* / */) {
    const absolute = splitAbsoluteTarget(target);
    if (absolute) {
      authority = absolute.authority;
      path = absolute.path;
    } else if (target !== '*' || method !== 'OPTIONS') throw new HeadError(400, 'http1.invalid_url');
  }
  if (version === 'HTTP/1.1' && host === undefined) throw new HeadError(400, 'missing_host_header');

  const closeRequested = connection !== '' && listHasToken(connection, 'close');
  const keepAlive = version === 'HTTP/1.1' ? !closeRequested : connection !== '' && listHasToken(connection, 'keep-alive');
  // h2c upgrades are not proxied (Envoy strips them); other protocols need Connection: upgrade too.
  const upgrade = upgradeValue !== undefined && upgradeValue !== 'h2c' && connection !== '' && listHasToken(connection, 'upgrade') ? upgradeValue : undefined;

  return {
    method,
    target,
    path,
    version,
    headers,
    authority,
    framing,
    contentLength: framing === 'length' ? contentLength : 0,
    keepAlive,
    upgrade,
    expectContinue,
    headBytes: text.length,
  };
}

/** Folds one Content-Length field into what was seen: repeats must agree (RFC 9112 §6.3). */
function mergeContentLength(seen: number, value: string): number {
  let result = seen;
  for (const part of value.includes(',') ? value.split(',') : [value]) {
    const digits = part.trim();
    if (digits.length === 0 || digits.length > MAX_SAFE_LENGTH_DIGITS || !/^[0-9]+$/.test(digits)) {
      throw new HeadError(400, 'http1.content_length_not_allowed');
    }
    const n = Number(digits);
    if (result >= 0 && n !== result) throw new HeadError(400, 'http1.content_length_not_allowed');
    result = n;
  }
  return result;
}

function splitAbsoluteTarget(target: string): { authority: string; path: string } | undefined {
  const lower = target.slice(0, 8).toLowerCase();
  const skip = lower.startsWith('http://') ? 7 : lower.startsWith('https://') ? 8 : -1;
  if (skip < 0) return undefined;
  const slash = target.indexOf('/', skip);
  const authority = slash < 0 ? target.slice(skip) : target.slice(skip, slash);
  if (authority.length === 0) return undefined;
  return { authority, path: slash < 0 ? '/' : target.slice(slash) };
}
