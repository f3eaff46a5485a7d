/**
 * What each proxy of skiff's node proxy last applied, as istiod tracks what it pushed to each
 * Envoy (`istioctl proxy-status`): the configuration's version, when, and whether the apply
 * had problems. `skiff check` compares the version with the cluster it reads to tell SYNCED
 * from STALE.
 *
 * The version of a configuration is the highest `metadata.resourceVersion` among the objects
 * its mesh snapshot was compiled from. resourceVersions in skiff are the store's one global
 * revision counter (src/store/types.ts), so they compare numerically across kinds: a proxy
 * compiled from a snapshot holding every object the cluster holds now has a version at least
 * as high as any of them. Deletions do not raise the version (the deleted object is gone
 * from both sides), and neither does the mesh config ConfigMap (not part of the snapshot).
 *
 * Pure: no I/O, so the data plane and `skiff check` share it.
 */

/** One proxy as the status endpoint reports it (`GET /skiff/v1/status` → mesh.proxies). */
export interface ProxySyncStatus {
  /** `namespace/name` of the pod the proxy plays for. */
  pod: string;
  kind: 'gateway' | 'sidecar';
  /** The control plane namespace of the mesh it was compiled for ('' for a sidecar outside every mesh). */
  mesh: string;
  appliedVersion: string;
  /** ISO time of the last apply. */
  appliedAt: string;
  /** Problems the last apply reported (rejected routes, listeners that could not bind...). */
  problems: number;
}

/** What one proxy instance keeps of its last apply. */
export interface AppliedConfig {
  mesh: string;
  version: string;
  at: Date;
  problems: number;
}

interface Versioned { metadata?: { resourceVersion?: string } }

/** The lists of a mesh snapshot a proxy's configuration is compiled from (compile-proxy.ts MeshSnapshot). */
export const CONFIG_SOURCES = [
  'services', 'endpointSlices', 'pods', 'secrets', 'gateways', 'virtualServices', 'destinationRules',
  'serviceEntries', 'authorizationPolicies', 'peerAuthentications',
] as const;

export type ConfigSources = Partial<Record<(typeof CONFIG_SOURCES)[number], readonly Versioned[]>>;

/** Orders two resourceVersions as numbers ('' and anything not decimal count as 0). */
export function compareResourceVersions(a: string, b: string): number {
  const x = asRevision(a);
  const y = asRevision(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The highest resourceVersion among objects, as a decimal string ('0' when there are none).
 * Runs once per proxy per reconcile pass over the whole mesh snapshot, so it compares
 * canonical decimals as strings (longer is larger, then text order) instead of parsing each.
 */
export function highestResourceVersion(objects: Iterable<Versioned>): string {
  let highest = '0';
  for (const o of objects) {
    const version = o.metadata?.resourceVersion;
    if (version === undefined || version.length < highest.length) continue;
    if ((version.length > highest.length || version > highest) && CANONICAL_DECIMAL.test(version)) highest = version;
  }
  return highest;
}

/** The version of a configuration compiled from `snapshot` (a MeshSnapshot, or the lists skiff check read). */
export function configVersionOf(snapshot: ConfigSources): string {
  let highest = '0';
  for (const source of CONFIG_SOURCES) {
    const version = highestResourceVersion(snapshot[source] ?? []);
    if (compareResourceVersions(version, highest) > 0) highest = version;
  }
  return highest;
}

/** The status endpoint's record of one proxy, or undefined while it never applied a configuration. */
export function proxySyncStatus(pod: string, kind: ProxySyncStatus['kind'], applied: AppliedConfig | undefined): ProxySyncStatus | undefined {
  if (!applied) return undefined;
  return { pod, kind, mesh: applied.mesh, appliedVersion: applied.version, appliedAt: applied.at.toISOString(), problems: applied.problems };
}

/** SYNCED when the proxy applied a version at least as new as `latest`, as istioctl proxy-status says. */
export function syncState(appliedVersion: string, latest: string): 'SYNCED' | 'STALE' {
  return compareResourceVersions(appliedVersion, latest) >= 0 ? 'SYNCED' : 'STALE';
}

/** What the store writes: no sign, no leading zero. */
const CANONICAL_DECIMAL = /^(0|[1-9]\d*)$/;

function asRevision(version: string): bigint {
  return /^\d+$/.test(version) ? BigInt(version) : 0n;
}
