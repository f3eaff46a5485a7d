/**
 * Where an allowed request goes, as Go's httputil.NewSingleHostReverseProxy computes it:
 * the upstream URL's path joined to the request's with exactly one slash between, and the
 * two queries joined with `&`. skiff has no network namespace per pod, so the pod's
 * localhost (`127.0.0.1`, `localhost`, `::1`) is the address its containers bind,
 * $SKIFF_APP_ADDRESS; every other host is used as it is.
 */

export interface UpstreamTarget {
  protocol: 'http:' | 'https:';
  host: string;
  port: number;
  /** The upstream URL's path (escaped), '' when it has none. */
  basePath: string;
  baseQuery: string;
}

const LOCALHOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0']);

export function parseUpstream(upstream: string, appAddress: string | undefined): UpstreamTarget | { error: string } {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    return { error: `failed to parse upstream URL: parse "${upstream}": invalid URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: `unsupported protocol scheme "${url.protocol.slice(0, -1)}"` };
  const hostname = url.hostname;
  const host = LOCALHOSTS.has(hostname) && appAddress ? appAddress : hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  // WHATWG URL turns an empty path into '/'; Go keeps it empty, which matters for the join.
  const hasPath = /^[a-z]+:\/\/[^/?#]*\//i.test(upstream);
  return { protocol: url.protocol, host, port, basePath: hasPath ? url.pathname : '', baseQuery: url.search.slice(1) };
}

/** Go's singleJoiningSlash. */
export function joinPaths(a: string, b: string): string {
  const aSlash = a.endsWith('/');
  const bSlash = b.startsWith('/');
  if (aSlash && bSlash) return a + b.slice(1);
  if (!aSlash && !bSlash) return `${a}/${b}`;
  return a + b;
}

/** The request target sent upstream for an incoming `path?query`. */
export function upstreamRequestTarget(target: Pick<UpstreamTarget, 'basePath' | 'baseQuery'>, incoming: string): string {
  const q = incoming.indexOf('?');
  const path = q < 0 ? incoming : incoming.slice(0, q);
  const query = q < 0 ? '' : incoming.slice(q + 1);
  const joinedPath = joinPaths(target.basePath, path);
  const joinedQuery = target.baseQuery === '' || query === '' ? target.baseQuery + query : `${target.baseQuery}&${query}`;
  return joinedQuery === '' ? joinedPath : `${joinedPath}?${joinedQuery}`;
}
