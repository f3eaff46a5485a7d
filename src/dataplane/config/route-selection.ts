/**
 * The per-request half of routing, for the proxies: pick the virtual host by authority
 * (Envoy's domain rules), then the first route whose match applies, then one of its
 * weighted clusters; and apply a route's rewrite to the path. Pure: randomness comes in
 * as a number in [0, 1).
 */
import { selectByDomain } from './host-match.ts';
import type { CompiledRoute, RouteAction, RouteConfiguration, VirtualHost, WeightedCluster } from './model.ts';
import { routeApplies } from './route-match.ts';
import type { RouteRequest } from './route-match.ts';

export type RouteSelection =
  | { found: true; virtualHost: VirtualHost; route: CompiledRoute }
  | { found: false; virtualHost?: VirtualHost; reason: 'no-virtual-host' | 'no-route' };

export function selectRoute(config: RouteConfiguration, req: RouteRequest): RouteSelection {
  const virtualHost = selectByDomain(config.virtualHosts, req.authority);
  if (!virtualHost) return { found: false, reason: 'no-virtual-host' };
  const route = virtualHost.routes.find((r) => routeApplies(r.matches, req));
  return route ? { found: true, virtualHost, route } : { found: false, virtualHost, reason: 'no-route' };
}

/** The weighted cluster `random` (in [0, 1)) falls on. */
export function pickCluster(clusters: readonly WeightedCluster[], random: number): WeightedCluster | undefined {
  const total = clusters.reduce((sum, c) => sum + c.weight, 0);
  let point = random * total;
  for (const c of clusters) {
    if (point < c.weight) return c;
    point -= c.weight;
  }
  return clusters[clusters.length - 1];
}

/** The upstream path after a route's rewrite (query string kept). */
export function rewritePath(path: string, action: Extract<RouteAction, { type: 'forward' }>): string {
  const rewrite = action.rewrite;
  if (!rewrite) return path;
  const q = path.indexOf('?');
  let pathname = q < 0 ? path : path.slice(0, q);
  const query = q < 0 ? '' : path.slice(q);
  if (rewrite.uriRegex) pathname = pathname.replace(rewrite.uriRegex.regex, rewrite.uriRegex.replacement);
  else if (rewrite.uriPrefix && pathname.startsWith(rewrite.uriPrefix.matched)) pathname = rewrite.uriPrefix.replacement + pathname.slice(rewrite.uriPrefix.matched.length);
  return pathname + query;
}
