/**
 * The HTTP exchange of kube-openapi's handler3 for /openapi/v3 and /openapi/v3/<gv>, as a
 * pure function the API server's router can call: JSON with a quoted ETag; for a document
 * requested with the current `?hash=`, immutable caching for a year; with a stale hash, a
 * 301 to the current URL; 304 for a matching If-None-Match; 406 when JSON is not acceptable.
 */
import { contentHash } from './document.ts';
import type { OpenApiV3Service } from './service.ts';

export interface OpenApiRequest {
  /** URL path, e.g. `/openapi/v3/apis/maistra.io/v2`. */
  path: string;
  query: URLSearchParams;
  accept?: string;
  ifNoneMatch?: string;
  now?: Date;
}

export interface OpenApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const INDEX_PATH = '/openapi/v3';

/** Go's AddDate(1, 0, 0): the same calendar date a year on, normalised (Feb 29 → Mar 1). */
function oneYearAfter(now: Date): Date {
  const later = new Date(now.getTime());
  later.setUTCFullYear(later.getUTCFullYear() + 1);
  return later;
}

function acceptsJson(accept: string | undefined): boolean {
  if (!accept || accept.trim() === '') return true;
  return accept.split(',').some((clause) => {
    const type = clause.split(';')[0]!.trim().toLowerCase();
    return type === 'application/json' || type === 'application/*' || type === '*/*';
  });
}

function respond(json: string, etag: string, req: OpenApiRequest, extra: Record<string, string> = {}): OpenApiResponse {
  const headers = { 'Content-Type': 'application/json', ETag: `"${etag}"`, ...extra };
  if (req.ifNoneMatch && req.ifNoneMatch.split(',').some((t) => t.trim() === headers.ETag)) return { status: 304, headers, body: '' };
  return { status: 200, headers, body: json };
}

/** The response for an /openapi/v3 URL, or undefined when there is no such document (answer 404). */
export function openApiV3Response(service: OpenApiV3Service, req: OpenApiRequest): OpenApiResponse | undefined {
  const path = req.path.replace(/\/+$/, '');
  if (path === INDEX_PATH) {
    const json = JSON.stringify(service.index());
    return respond(json, contentHash(json), req);
  }
  if (!path.startsWith(`${INDEX_PATH}/`)) return undefined;
  const gv = path.slice(INDEX_PATH.length + 1);
  const doc = service.document(gv);
  if (!doc) return undefined;
  if (!acceptsJson(req.accept)) return { status: 406, headers: { 'Content-Type': 'text/plain', Vary: 'Accept' }, body: 'the requested media type is not supported' };
  const hash = req.query.get('hash');
  if (hash && hash !== doc.etag) {
    return { status: 301, headers: { Location: `${INDEX_PATH}/${gv}?hash=${doc.etag}`, Vary: 'Accept' }, body: '' };
  }
  const caching: Record<string, string> = hash ? { 'Cache-Control': 'public, immutable', Expires: oneYearAfter(req.now ?? new Date()).toUTCString() } : {};
  return respond(doc.json, doc.etag, req, { Vary: 'Accept', ...caching });
}
