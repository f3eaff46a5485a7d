/**
 * Host names as istiod compares them (pkg/config/host): wildcards only as the first label,
 * short names resolved in the owning object's namespace, "most specific match" for picking
 * one of several candidates — and Envoy's virtual-host domain selection for the data plane.
 */
import { hostSubsetOf, hostsMatch } from '../../api/mesh/istio/names.ts';

export { hostSubsetOf, hostsMatch };

export const DEFAULT_DOMAIN_SUFFIX = 'cluster.local';

/**
 * ResolveShortnameToFQDN: `reviews` in namespace `bookinfo` is `reviews.bookinfo.svc.cluster.local`;
 * anything with a dot (or `*`) is already a full name.
 */
export function resolveShortName(host: string, namespace: string, domainSuffix = DEFAULT_DOMAIN_SUFFIX): string {
  if (host === '*' || host.includes('.') || host === '') return host;
  return `${host}.${namespace}.svc.${domainSuffix}`;
}

/** A Gateway server host `ns/host`, `./host` (the Gateway's own namespace) or `host` (any namespace). */
export interface ScopedHost { namespace: string; host: string }

export function parseGatewayHost(entry: string, gatewayNamespace: string): ScopedHost {
  const slash = entry.indexOf('/');
  if (slash < 0) return { namespace: '*', host: entry };
  const namespace = entry.slice(0, slash);
  return { namespace: namespace === '.' ? gatewayNamespace : namespace, host: entry.slice(slash + 1) };
}

/** Whether a VirtualService in `namespace` may bind to a server host scoped to `scope`. */
export function namespaceAllowed(scope: string, namespace: string): boolean {
  return scope === '*' || scope === namespace;
}

function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/** Of two matching hosts, the narrower one (the domain a route should really be served for). */
export function narrowerHost(a: string, b: string): string {
  if (hostSubsetOf(a, b)) return a;
  if (hostSubsetOf(b, a)) return b;
  return a;
}

/**
 * MostSpecificHostMatch: an exact candidate wins; otherwise the longest wildcard candidate
 * covering `needle`. Undefined when none matches.
 */
export function mostSpecificHostMatch(needle: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const candidate of candidates) {
    if (candidate === needle) return candidate;
    if (!hostsMatch(needle, candidate)) continue;
    if (isWildcard(needle) && !isWildcard(candidate) && !hostSubsetOf(candidate, needle)) continue;
    if (best === undefined || candidate.length > best.length) best = candidate;
  }
  return best;
}

/** The `host` part of an `:authority`/Host header, lower-cased, without port. */
export function authorityHost(authority: string): string {
  const trimmed = authority.trim().toLowerCase();
  if (trimmed.startsWith('[')) {
    const end = trimmed.indexOf(']');
    return end < 0 ? trimmed : trimmed.slice(0, end + 1);
  }
  const colon = trimmed.lastIndexOf(':');
  return colon >= 0 && /^\d*$/.test(trimmed.slice(colon + 1)) ? trimmed.slice(0, colon) : trimmed;
}

/**
 * Envoy's virtual host selection: exact domain, then the longest suffix wildcard
 * (`*.example.com`), then the longest prefix wildcard (`foo.*`), then `*`. Ports in the
 * authority are ignored (Istio lists domains both with and without ports).
 */
export function selectByDomain<T extends { domains: readonly string[] }>(candidates: readonly T[], authority: string): T | undefined {
  const host = authorityHost(authority);
  let suffix: { item: T; len: number } | undefined;
  let prefix: { item: T; len: number } | undefined;
  let catchAll: T | undefined;
  for (const item of candidates) {
    for (const raw of item.domains) {
      const domain = raw.toLowerCase();
      if (domain === host) return item;
      if (domain === '*') catchAll ??= item;
      else if (domain.startsWith('*') && host.endsWith(domain.slice(1)) && host.length > domain.length - 1) {
        if (!suffix || domain.length > suffix.len) suffix = { item, len: domain.length };
      } else if (domain.endsWith('*') && host.startsWith(domain.slice(0, -1)) && host.length > domain.length - 1) {
        if (!prefix || domain.length > prefix.len) prefix = { item, len: domain.length };
      }
    }
  }
  return suffix?.item ?? prefix?.item ?? catchAll;
}
