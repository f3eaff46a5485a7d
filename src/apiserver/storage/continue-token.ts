/**
 * List continue tokens, in kube-apiserver's wire format (apiserver pkg/storage/continue.go):
 * unpadded base64url of `{"v":"meta.k8s.io/v1","rv":<snapshot revision>,"start":<key>}`,
 * where `start` is the next key to read relative to the collection's key prefix (the last
 * key returned plus "\0"). Opaque to clients; every page reads the first page's snapshot,
 * and rv -1 (offered after a 410) means "continue at the latest revision".
 *
 * Decoding errors carry upstream's messages; the caller prefixes `invalid continue token: `.
 */
import { posix } from 'node:path';

export interface ContinueToken {
  /** Snapshot revision; negative = latest. */
  rv: number;
  /** Read keys strictly after this one. */
  startAfter: string;
}

const VERSION = 'meta.k8s.io/v1';
const INVALID = 'continue key is not valid';

export class ContinueTokenError extends Error {}

/** The token for the page after `lastKey` (a key under `prefix`). */
export function encodeContinue(lastKey: string, prefix: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: VERSION, rv, start: `${lastKey.slice(prefix.length)}\u0000` })).toString('base64url');
}

export function decodeContinue(raw: string, prefix: string): ContinueToken {
  const text = decodeRawUrlBase64(raw).toString('utf8');
  const token = parseToken(text);
  if (token.v !== VERSION) throw new ContinueTokenError(`${INVALID}: server does not recognize this encoded version ${token.v}`);
  if (token.rv === 0) throw new ContinueTokenError(`${INVALID}: incorrect encoded start resourceVersion (version ${VERSION})`);
  if (token.start === '') throw new ContinueTokenError(`${INVALID}: encoded start key empty (version ${VERSION})`);
  // No climbing out of the collection: the key must already be in clean form.
  const key = token.start.startsWith('/') ? token.start : `/${token.start}`;
  if (goPathClean(key) !== key) throw new ContinueTokenError(`${INVALID}: ${token.start}`);
  const from = prefix + key.slice(1);
  // Tokens we issue name the next key as "<last key>\0": everything after the last key. A
  // hand-made start key is read as exclusive too (a key equal to it is skipped).
  return { rv: token.rv, startAfter: from.endsWith('\u0000') ? from.slice(0, -1) : from };
}

/** Go's base64.RawURLEncoding.DecodeString, with its CorruptInputError offsets. */
function decodeRawUrlBase64(raw: string): Buffer {
  const bad = raw.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0) throw new ContinueTokenError(`${INVALID}: illegal base64 data at input byte ${bad}`);
  if (raw.length % 4 === 1) throw new ContinueTokenError(`${INVALID}: illegal base64 data at input byte ${raw.length - 1}`);
  return Buffer.from(raw, 'base64url');
}

interface RawToken {
  v: string;
  rv: number;
  start: string;
}

/** json.Unmarshal into continueToken{v string, rv int64, start string}, with Go's messages. */
function parseToken(text: string): RawToken {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const first = text.trimStart()[0];
    throw new ContinueTokenError(`${INVALID}: ${first === undefined ? 'unexpected end of JSON input' : `invalid character ${goQuoteRune(first)} looking for beginning of value`}`);
  }
  if (value === null) return { v: '', rv: 0, start: '' };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ContinueTokenError(`${INVALID}: json: cannot unmarshal ${jsonKind(value)} into Go value of type storage.continueToken`);
  }
  const fields = value as Record<string, unknown>;
  const field = (name: 'v' | 'rv' | 'start', goType: 'string' | 'int64'): unknown => {
    const v = fields[name];
    if (v === undefined || v === null) return goType === 'string' ? '' : 0;
    const ok = goType === 'string' ? typeof v === 'string' : typeof v === 'number' && Number.isInteger(v);
    if (!ok) throw new ContinueTokenError(`${INVALID}: json: cannot unmarshal ${jsonKind(v)} into Go struct field continueToken.${name} of type ${goType}`);
    return v;
  };
  return { v: field('v', 'string') as string, rv: field('rv', 'int64') as number, start: field('start', 'string') as string };
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'number' : `number ${v}`;
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function goQuoteRune(c: string): string {
  return c === "'" ? "'\\''" : `'${c}'`;
}

/** Go's path.Clean for an absolute path: no `.`/`..` segments, no doubled or trailing slash. */
function goPathClean(p: string): string {
  const normal = posix.normalize(p);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}
