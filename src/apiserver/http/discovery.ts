/**
 * API discovery documents, in both formats kubectl understands (kubernetes-api.md §1.2):
 * aggregated (apidiscovery.k8s.io/v2 APIGroupDiscoveryList, for /api and /apis) and legacy
 * (APIVersions, APIGroupList, APIGroup, APIResourceList). Groups are ordered as
 * kube-apiserver orders them — built-in groups by priority, OpenShift's route group next,
 * then CRD groups by name — because kubectl resolves plural and short-name clashes
 * (`services`, `routes`, `pa`) to the first group that serves the name.
 */
import { compareKubeVersions } from '../../api/crd/version-priority.ts';
import type { KindDefinition } from '../../api/kind.ts';
import { DEFAULT_VERBS } from '../../api/kind.ts';
import type { KindRegistry } from '../registry/kind-registry.ts';

const BUILTIN_GROUP_ORDER = ['', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io', 'route.openshift.io'];

interface GroupInfo {
  name: string;
  /** Versions in preference order. */
  versions: string[];
  kinds: KindDefinition[];
}

/** Groups in discovery order, each with its served versions in preference order. */
export function discoveryGroups(registry: KindRegistry): GroupInfo[] {
  const groups = new Map<string, GroupInfo>();
  for (const def of registry.all()) {
    let g = groups.get(def.group);
    if (!g) groups.set(def.group, (g = { name: def.group, versions: [], kinds: [] }));
    g.kinds.push(def);
    for (const v of def.versions) if (v.served && !g.versions.includes(v.name)) g.versions.push(v.name);
  }
  for (const g of groups.values()) g.versions.sort(compareKubeVersions);
  const rank = (name: string) => {
    const i = BUILTIN_GROUP_ORDER.indexOf(name);
    return i < 0 ? BUILTIN_GROUP_ORDER.length : i;
  };
  return [...groups.values()].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

function servesVersion(def: KindDefinition, version: string): boolean {
  return def.versions.some((v) => v.name === version && v.served);
}

function subresourceNames(def: KindDefinition): string[] {
  const out: string[] = [];
  if (def.subresources.status) out.push('status');
  if (def.subresources.scale) out.push('scale');
  for (const s of def.subresources.others ?? []) out.push(s);
  return out;
}

function subresourceVerbs(def: KindDefinition, sub: string): string[] {
  if (sub === 'status' || sub === 'scale') return ['get', 'patch', 'update'];
  if (sub === 'finalize') return ['update'];
  if (sub === 'log') return ['get'];
  if (sub === 'exec' || sub === 'attach' || sub === 'portforward' || sub === 'proxy') return ['create', 'get'];
  if (sub === 'token' || sub === 'binding' || sub === 'eviction') return ['create'];
  void def;
  return ['get'];
}

// ── aggregated (apidiscovery.k8s.io/v2) ──────────────────────────────────────────────

export function aggregatedDiscovery(registry: KindRegistry, legacyCore: boolean): object {
  const items = discoveryGroups(registry)
    .filter((g) => (legacyCore ? g.name === '' : g.name !== ''))
    .map((g) => ({
      metadata: { name: g.name },
      versions: g.versions.map((version) => ({
        version,
        resources: g.kinds.filter((d) => servesVersion(d, version)).sort((a, b) => a.plural.localeCompare(b.plural)).map((d) => ({
          resource: d.plural,
          responseKind: { group: d.group, version, kind: d.kind },
          scope: d.scope,
          singularResource: d.singular,
          verbs: [...(d.verbs ?? DEFAULT_VERBS)],
          ...(d.shortNames.length ? { shortNames: [...d.shortNames] } : {}),
          ...(d.categories.length ? { categories: [...d.categories] } : {}),
          ...(subresourceNames(d).length
            ? { subresources: subresourceNames(d).map((s) => ({ subresource: s, responseKind: s === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group: d.group, version, kind: d.kind }, verbs: subresourceVerbs(d, s) })) }
            : {}),
        })),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

// ── legacy ───────────────────────────────────────────────────────────────────────────

export function legacyApiVersions(): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
}

function apiGroup(g: GroupInfo): object {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function legacyGroupList(registry: KindRegistry): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: discoveryGroups(registry).filter((g) => g.name !== '').map(apiGroup) };
}

export function legacyGroup(registry: KindRegistry, group: string): object | undefined {
  const g = discoveryGroups(registry).find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

export function legacyResourceList(registry: KindRegistry, group: string, version: string): object | undefined {
  const g = discoveryGroups(registry).find((x) => x.name === group);
  if (!g || !g.versions.includes(version)) return undefined;
  const resources: object[] = [];
  for (const d of g.kinds.filter((k) => servesVersion(k, version)).sort((a, b) => a.plural.localeCompare(b.plural))) {
    resources.push({
      name: d.plural, singularName: d.singular, namespaced: d.scope === 'Namespaced', kind: d.kind,
      verbs: [...(d.verbs ?? DEFAULT_VERBS)],
      ...(d.shortNames.length ? { shortNames: [...d.shortNames] } : {}),
      ...(d.categories.length ? { categories: [...d.categories] } : {}),
    });
    for (const s of subresourceNames(d)) {
      resources.push({ name: `${d.plural}/${s}`, singularName: '', namespaced: d.scope === 'Namespaced', ...(s === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: d.kind }), verbs: subresourceVerbs(d, s) });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
}
