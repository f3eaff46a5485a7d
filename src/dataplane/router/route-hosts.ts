/**
 * The host a Route is served on: `spec.host`, else `<spec.subdomain>.<domain>`, else
 * `<name>-<namespace>.<domain>` — the name openshift-apiserver's route allocator generates
 * for the cluster's apps domain.
 */

export const DEFAULT_APPS_DOMAIN = 'apps.example.com';

export function routeHost(route: { name: string; namespace: string; host?: string | undefined; subdomain?: string | undefined }, domain: string): string {
  if (route.host) return route.host.toLowerCase();
  if (route.subdomain) return `${route.subdomain}.${domain}`.toLowerCase();
  return `${route.name}-${route.namespace}.${domain}`.toLowerCase();
}

/** What the router reports as `routerCanonicalHostname`: DNS for the apps domain points here. */
export function canonicalHostname(domain: string): string {
  return `router-default.${domain}`;
}

/** Strips a `:port` suffix (and IPv6 brackets are left alone) and lower-cases. */
export function hostWithoutPort(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  const colon = value.lastIndexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}
