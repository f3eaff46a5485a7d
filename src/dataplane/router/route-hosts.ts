/** Host names of the router: the apps domain's generated hosts live in src/api/route/host.ts. */
import { DEFAULT_APPS_DOMAIN, routeHost } from '../../api/route/host.ts';

export { DEFAULT_APPS_DOMAIN, routeHost };

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
