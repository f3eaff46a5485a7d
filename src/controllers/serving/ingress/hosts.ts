/**
 * Host sets of a KIngress (knative/networking pkg/ingress/ingress.go, net-istio
 * resources/virtual_service.go): cluster-local hosts are expanded to their short forms so
 * `name.ns` and `name.ns.svc` reach the same route, and authority matches use the fewest
 * distinct prefixes (a prefix match on `name.ns` already covers `name.ns.svc…` and `host:port`).
 */
import { CLUSTER_DOMAIN, visibilityOf, type KIngress, type Visibility } from './kingress.ts';

const LOCAL_SUFFIX = `.svc.${CLUSTER_DOMAIN}`;

/** `name.ns.svc.cluster.local` → itself, `name.ns.svc` and `name.ns`; other hosts as they are. */
export function expandedHosts(hosts: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const h of hosts) {
    out.add(h);
    for (const suffix of [`.${CLUSTER_DOMAIN}`, LOCAL_SUFFIX]) {
      if (!h.endsWith(suffix)) continue;
      const trimmed = h.slice(0, -suffix.length);
      // Keep only names that still have a namespace part (`name.ns`), as upstream.
      if (trimmed.includes('.')) out.add(trimmed);
    }
  }
  return out;
}

export function isClusterLocalHost(host: string): boolean {
  return host.endsWith(LOCAL_SUFFIX);
}

/** Every host of every rule (optionally of one visibility). */
export function ingressHosts(ing: KIngress, visibility?: Visibility): Set<string> {
  const out = new Set<string>();
  for (const rule of ing.spec?.rules ?? []) {
    if (visibility && visibilityOf(rule) !== visibility) continue;
    for (const h of rule.hosts ?? []) out.add(h);
  }
  return out;
}

/** Shortest-first, keeping a host only when no kept host is a prefix of it (sorted result). */
export function distinctHostPrefixes(hosts: Iterable<string>): string[] {
  const ordered = [...new Set(hosts)].sort().sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const h of ordered) if (!kept.some((p) => h.startsWith(p))) kept.push(h);
  return kept.sort();
}
