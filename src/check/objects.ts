/** Small typed readers over the snapshot's objects, shared by the checks. */
import type { Condition, KubeObject } from '../api/object.ts';
import { labelsMatch } from '../dataplane/config/peer-authentication.ts';

/** On a namespace: the mesh (its control plane's namespace) it belongs to. */
export const MEMBER_OF_LABEL = 'maistra.io/member-of';
export const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';
export const INJECT_ANNOTATION = 'sidecar.istio.io/inject';

export const nameOf = (o: KubeObject): string => o.metadata.name ?? '';
export const namespaceOf = (o: KubeObject): string => o.metadata.namespace ?? '';
export const fullName = (o: KubeObject): string => `${namespaceOf(o)}/${nameOf(o)}`;
export const labelsOf = (o: KubeObject): Record<string, string> => o.metadata.labels ?? {};
export const annotationsOf = (o: KubeObject): Record<string, string> => o.metadata.annotations ?? {};

export function specOf<T>(o: KubeObject): Partial<T> {
  return (o.spec ?? {}) as Partial<T>;
}

export function statusOf<T>(o: KubeObject): Partial<T> {
  return (o.status ?? {}) as Partial<T>;
}

export function conditionOf(o: KubeObject, type: string): Condition | undefined {
  return statusOf<{ conditions: Condition[] }>(o).conditions?.find((c) => c.type === type);
}

/** The mesh a namespace is a member of (its `maistra.io/member-of` label), if any. */
export function meshOfNamespace(namespaces: readonly KubeObject[], namespace: string): string | undefined {
  const ns = namespaces.find((n) => nameOf(n) === namespace);
  return ns === undefined ? undefined : labelsOf(ns)[MEMBER_OF_LABEL];
}

/** Pods an Istio workload selector picks (any namespace, as a Gateway selector does). */
export function podsSelectedBy(pods: readonly KubeObject[], selector: Readonly<Record<string, string>>): KubeObject[] {
  return pods.filter((p) => labelsMatch(selector, labelsOf(p)) && p.metadata.deletionTimestamp === undefined);
}

/** A Gateway's servers as the checks need them. */
export interface GatewayServer {
  port?: { number?: number; name?: string; protocol?: string };
  hosts?: string[];
  tls?: { mode?: string; credentialName?: string };
}

export interface GatewaySpec {
  selector?: Record<string, string>;
  servers?: GatewayServer[];
}

/** A Gateway host without its `namespace/` prefix (`./x`, `ns/x`, `*\/x` → `x`). */
export function bareHost(host: string): string {
  const slash = host.indexOf('/');
  return slash < 0 ? host : host.slice(slash + 1);
}

/**
 * Istio's host.Name.Matches: whether two host names (possibly wildcards) overlap: `*`
 * matches all, `*.example.com` matches any name ending in `.example.com`.
 */
export function hostsOverlap(a: string, b: string): boolean {
  if (a === b || a === '*' || b === '*') return true;
  const aWild = a.startsWith('*');
  const bWild = b.startsWith('*');
  if (aWild && bWild) return a.length > b.length ? a.endsWith(b.slice(1)) : b.endsWith(a.slice(1));
  if (aWild) return b.endsWith(a.slice(1));
  if (bWild) return a.endsWith(b.slice(1));
  return false;
}
