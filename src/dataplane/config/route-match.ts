/**
 * HTTPMatchRequest → RouteMatch, and the per-request test the proxies run. Within a match
 * block every condition must hold; a rule's blocks are alternatives. Header names are
 * case-insensitive; a header match written as `{}` asks only that the header be present;
 * `withoutHeaders` inverts. `uri` is compared without the query string, `queryParams`
 * against the decoded query. `port` is the gateway server port or the service port.
 */
import type { HttpMatchRequest, Labels } from './istio-specs.ts';
import type { CompiledStringMatch, RouteMatch } from './model.ts';
import { compileStringMatch, matchesString } from './string-match.ts';

/** What a proxy knows about a request when it picks a route. */
export interface RouteRequest {
  method: string;
  /** Path with query string, as on the request line. */
  path: string;
  authority: string;
  scheme?: string;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The gateway server port or the service port the request came in on. */
  port?: number;
  sourceLabels?: Labels;
  sourceNamespace?: string;
}

export interface CompiledMatchResult { match?: RouteMatch; error?: string }

function compileOrError(errors: string[], what: string, raw: Parameters<typeof compileStringMatch>[0], ignoreCase = false): CompiledStringMatch | undefined {
  const compiled = compileStringMatch(raw, ignoreCase);
  if (typeof compiled === 'string') { errors.push(`${what}: ${compiled}`); return undefined; }
  return compiled;
}

export function compileRouteMatch(m: HttpMatchRequest): CompiledMatchResult {
  const errors: string[] = [];
  const match: RouteMatch = { headers: [], queryParams: [] };
  if (m.name) match.name = m.name;
  const uri = compileOrError(errors, 'uri', m.uri, m.ignoreUriCase === true);
  if (uri) match.uri = uri;
  const scheme = compileOrError(errors, 'scheme', m.scheme);
  if (scheme) match.scheme = scheme;
  const method = compileOrError(errors, 'method', m.method);
  if (method) match.method = method;
  const authority = compileOrError(errors, 'authority', m.authority);
  if (authority) match.authority = authority;
  for (const [invert, table] of [[false, m.headers], [true, m.withoutHeaders]] as const) {
    for (const [name, raw] of Object.entries(table ?? {})) {
      const compiled = compileOrError(errors, `header ${name}`, raw) ?? { kind: 'present' as const };
      match.headers.push({ name: name.toLowerCase(), match: compiled, invert });
    }
  }
  for (const [name, raw] of Object.entries(m.queryParams ?? {})) {
    const compiled = compileOrError(errors, `query parameter ${name}`, raw) ?? { kind: 'present' as const };
    match.queryParams.push({ name, match: compiled });
  }
  if (m.port) match.port = m.port;
  if (m.sourceLabels && Object.keys(m.sourceLabels).length > 0) match.sourceLabels = m.sourceLabels;
  if (m.sourceNamespace) match.sourceNamespace = m.sourceNamespace;
  return errors.length > 0 ? { error: errors.join('; ') } : { match };
}

function splitPath(path: string): { pathname: string; query: URLSearchParams } {
  const q = path.indexOf('?');
  return q < 0 ? { pathname: path, query: new URLSearchParams() } : { pathname: path.slice(0, q), query: new URLSearchParams(path.slice(q + 1)) };
}

/** Special pseudo-headers Istio lets header matches name. */
function headerValue(req: RouteRequest, name: string): string | undefined {
  if (name === ':authority' || name === 'host') return req.authority;
  if (name === ':method') return req.method;
  if (name === ':path') return req.path;
  if (name === ':scheme') return req.scheme;
  return req.headers[name];
}

export function requestMatches(match: RouteMatch, req: RouteRequest): boolean {
  const { pathname, query } = splitPath(req.path);
  if (match.uri && !matchesString(match.uri, pathname)) return false;
  if (match.scheme && !matchesString(match.scheme, req.scheme ?? 'http')) return false;
  if (match.method && !matchesString(match.method, req.method)) return false;
  if (match.authority && !matchesString(match.authority, req.authority)) return false;
  if (match.port !== undefined && req.port !== match.port) return false;
  for (const h of match.headers) {
    if (matchesString(h.match, headerValue(req, h.name)) === h.invert) return false;
  }
  for (const q of match.queryParams) {
    const value = query.get(q.name) ?? undefined;
    if (!matchesString(q.match, value)) return false;
  }
  if (match.sourceNamespace !== undefined && req.sourceNamespace !== match.sourceNamespace) return false;
  if (match.sourceLabels) {
    const labels = req.sourceLabels ?? {};
    if (!Object.entries(match.sourceLabels).every(([k, v]) => labels[k] === v)) return false;
  }
  return true;
}

/** A rule applies when it has no match blocks or one of them matches. */
export function routeApplies(matches: readonly RouteMatch[], req: RouteRequest): boolean {
  return matches.length === 0 || matches.some((m) => requestMatches(m, req));
}
