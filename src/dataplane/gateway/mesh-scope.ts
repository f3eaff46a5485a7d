/**
 * Maistra's multitenancy: a mesh's istiod sees only its control plane's namespace and the
 * namespaces of its member roll (labelled `maistra.io/member-of=<mesh namespace>`), so a
 * Gateway, VirtualService, Service or policy anywhere else does not reach that mesh's
 * gateways. Upstream Istio would see the whole cluster.
 */
import type { MeshSnapshot } from '../config/compile-proxy.ts';

export const MEMBER_OF_LABEL = 'maistra.io/member-of';

interface Named { metadata: { name?: string; labels?: Readonly<Record<string, string>> } }

/** The namespaces a mesh sees: its own and those labelled as its members. */
export function meshNamespaces(meshNamespace: string, namespaces: readonly Named[]): Set<string> {
  const out = new Set([meshNamespace]);
  for (const ns of namespaces) if (ns.metadata.labels?.[MEMBER_OF_LABEL] === meshNamespace && ns.metadata.name) out.add(ns.metadata.name);
  return out;
}

export function scopeToMesh(snapshot: MeshSnapshot, visible: ReadonlySet<string>): MeshSnapshot {
  const keep = <T extends { metadata: { namespace?: string } }>(items: readonly T[]): T[] => items.filter((i) => visible.has(i.metadata.namespace ?? ''));
  return {
    ...snapshot,
    services: keep(snapshot.services), endpointSlices: keep(snapshot.endpointSlices), pods: keep(snapshot.pods), secrets: keep(snapshot.secrets),
    gateways: keep(snapshot.gateways), virtualServices: keep(snapshot.virtualServices), destinationRules: keep(snapshot.destinationRules),
    serviceEntries: keep(snapshot.serviceEntries), authorizationPolicies: keep(snapshot.authorizationPolicies),
    ...(snapshot.peerAuthentications ? { peerAuthentications: keep(snapshot.peerAuthentications) } : {}),
  };
}
