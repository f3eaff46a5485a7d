/**
 * Finds the route for a request as HAProxy's maps do in the OpenShift router: the exact
 * host first, then a wildcard (`Subdomain`) route of the host's parent domain; among the
 * routes of a host, the longest matching path prefix.
 */
import type { RouterRoute, RouterTable } from './model.ts';

function parentWildcard(host: string): string | undefined {
  const dot = host.indexOf('.');
  return dot < 0 ? undefined : `*.${host.slice(dot + 1)}`;
}

function pathMatches(routePath: string, requestPath: string): boolean {
  if (routePath === '' || routePath === '/') return true;
  if (!requestPath.startsWith(routePath)) return false;
  // `/foo` serves `/foo`, `/foo/…` and `/foo?…`, not `/foobar`.
  const next = requestPath.charAt(routePath.length);
  return next === '' || next === '/' || next === '?' || routePath.endsWith('/');
}

export class RouteIndex {
  readonly #exact = new Map<string, RouterRoute[]>();
  readonly #wildcard = new Map<string, RouterRoute[]>();

  constructor(table: RouterTable) {
    for (const route of table.routes) {
      const map = route.wildcard ? this.#wildcard : this.#exact;
      const key = route.wildcard ? (parentWildcard(route.host) ?? route.host) : route.host;
      map.set(key, [...(map.get(key) ?? []), route]);
      // A wildcard route also serves its own host exactly.
      if (route.wildcard) this.#exact.set(route.host, [...(this.#exact.get(route.host) ?? []), route]);
    }
    for (const list of [...this.#exact.values(), ...this.#wildcard.values()]) list.sort((a, b) => b.path.length - a.path.length);
  }

  /** Routes that could serve `host`, most specific first. */
  candidates(host: string): RouterRoute[] {
    const exact = this.#exact.get(host);
    if (exact) return exact;
    const wildcard = parentWildcard(host);
    return (wildcard && this.#wildcard.get(wildcard)) || [];
  }

  find(host: string, path: string): RouterRoute | undefined {
    return this.candidates(host).find((r) => pathMatches(r.path, path));
  }

  /** The passthrough route for a TLS server name, if that name belongs to one. */
  passthrough(serverName: string): RouterRoute | undefined {
    return this.candidates(serverName).find((r) => r.tls?.termination === 'passthrough');
  }
}
