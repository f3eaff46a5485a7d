/**
 * Which route owns a host, as the OpenShift router's unique-host plugin decides
 * (pkg/router/controller/unique_host.go with the default Strict namespace ownership): the
 * oldest route (creation time, then uid) claims a host for its namespace; other routes of
 * that namespace may share it on other paths; a younger route with the same host and path,
 * or any route of another namespace, is rejected with `HostAlreadyClaimed`.
 */

export interface HostClaim {
  namespace: string;
  name: string;
  /** The route's host, for messages. */
  host: string;
  /** Lower-case host; wildcard routes claim `*.<parent domain>` instead. */
  claim: string;
  path: string;
  creationTimestamp: string;
  uid: string;
}

export interface HostRejection {
  reason: 'HostAlreadyClaimed';
  message: string;
}

/** RouteLessThan: older first; equal times fall back to the uid so the order is total. */
export function olderFirst(a: HostClaim, b: HostClaim): number {
  if (a.creationTimestamp !== b.creationTimestamp) return a.creationTimestamp < b.creationTimestamp ? -1 : 1;
  return a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;
}

/** The claim key: a wildcard route claims its whole parent domain. */
export function claimOf(host: string, wildcard: boolean): string {
  const lower = host.toLowerCase();
  if (!wildcard) return lower;
  const dot = lower.indexOf('.');
  return `*.${dot < 0 ? lower : lower.slice(dot + 1)}`;
}

/** Rejections by `namespace/name`; every route not in the map is admitted. */
export function admitHosts(claims: readonly HostClaim[]): Map<string, HostRejection> {
  const byHost = new Map<string, HostClaim[]>();
  for (const c of claims) {
    const list = byHost.get(c.claim) ?? [];
    list.push(c);
    byHost.set(c.claim, list);
  }
  const rejected = new Map<string, HostRejection>();
  for (const list of byHost.values()) {
    list.sort(olderFirst);
    const oldest = list[0]!;
    const takenPaths = new Map<string, HostClaim>();
    for (const route of list) {
      const key = `${route.namespace}/${route.name}`;
      if (route.namespace !== oldest.namespace) {
        rejected.set(key, { reason: 'HostAlreadyClaimed', message: `a route in another namespace holds ${route.host} and is older than ${route.name}` });
        continue;
      }
      const owner = takenPaths.get(route.path);
      if (owner) {
        rejected.set(key, { reason: 'HostAlreadyClaimed', message: `route ${owner.name} already exposes ${route.host} and is older` });
        continue;
      }
      takenPaths.set(route.path, route);
    }
  }
  return rejected;
}
