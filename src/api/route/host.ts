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
