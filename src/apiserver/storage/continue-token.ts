/**
 * List continue tokens: opaque to clients, they carry the revision of the first page (so
 * every page reads the same snapshot) and the last key returned. A token for another
 * collection, or a garbled one, is a 400; one whose revision was compacted is a 410 from
 * the store, as in Kubernetes.
 */
import { badRequest } from './api-errors.ts';

export interface ContinueToken {
  rv: number;
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start })).toString('base64url');
}

export function decodeContinue(raw: string, prefix: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: the token is not a base64-encoded JSON object');
  }
  const t = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (!t.start.startsWith(prefix)) throw badRequest('continue key is not valid: the token belongs to another collection');
  return { rv: t.rv, start: t.start };
}
