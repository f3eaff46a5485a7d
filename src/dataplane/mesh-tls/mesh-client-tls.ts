/**
 * The MeshClientTls service (types.ts) over what the node proxy already watches: the Pods,
 * Namespaces, PeerAuthentications and control planes it is handed (the MeshView's informers,
 * src/server/mesh/mesh-view.ts — no informers of its own) tell, per destination address,
 * whether a sidecar there takes mTLS (origination-decision.ts); the source's workload
 * certificate comes from the node proxy's one certificate source (WorkloadIdentities,
 * src/server/mesh/workload-identities.ts: issued once per mesh, namespace and service
 * account, renewed at half its lifetime, shared with the gateways and sidecars). A mesh
 * without a CA yet leaves connections plaintext.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { podIPv4 } from '../../api/builtin/core/pod-readiness.ts';
import type { KubeObject } from '../../api/object.ts';
import { parseSpiffeId, spiffeId, type WorkloadCertificate } from '../../mesh/pki/index.ts';
import type { PeerAuthentication } from '../config/peer-authentication.ts';
import { istioMtlsSni } from '../config/cluster-policy.ts';
import { meshClientTls, MESH_HTTP_ALPN } from './client-options.ts';
import { meshOfNamespace, originationDecision, podServesTraffic, type NamespaceFacts } from './origination-decision.ts';
import type { MeshClientTls, MeshSource, OriginatedTls } from './types.ts';

/** A synced cache of one kind of object (an Informer), and a way to hear that it changed. */
export interface ObjectStore<T extends KubeObject> {
  list(): T[];
  addHandlers(h: { add?(o: T): void; update?(old: T, o: T): void; delete?(o: T): void }): void;
}

/** The objects the decision needs, already watched elsewhere (MeshView has them all). */
export interface MeshObjects {
  readonly pods: ObjectStore<Pod>;
  readonly namespaces: ObjectStore<KubeObject>;
  readonly peerAuthentications: ObjectStore<PeerAuthentication>;
  /** ServiceMeshControlPlanes: a namespace is in a mesh only while its control plane exists. */
  readonly controlPlanes: ObjectStore<KubeObject>;
}

/** The workload certificate of `source` in the mesh of `mesh` (its control plane's namespace); undefined while the mesh has no CA. */
export type WorkloadCertificateSource = (mesh: string, source: MeshSource) => Promise<WorkloadCertificate | undefined>;

export function createMeshClientTls(objects: MeshObjects, certificateFor: WorkloadCertificateSource): MeshClientTls {
  const { pods, namespaces, peerAuthentications, controlPlanes } = objects;

  // The address index is rebuilt on the first lookup after a pod changed, not per event.
  let byAddress: Map<string, Pod> | undefined;
  pods.addHandlers({ add: () => (byAddress = undefined), update: () => (byAddress = undefined), delete: () => (byAddress = undefined) });
  const podAt = (address: string): Pod | undefined => {
    if (!byAddress) {
      byAddress = new Map();
      for (const p of pods.list()) if (podServesTraffic(p) && podIPv4(p) !== '') byAddress.set(podIPv4(p), p);
    }
    return byAddress.get(address);
  };

  // Membership facts, rebuilt on the first lookup after a namespace or control plane changed.
  let membership: { facts: Map<string, NamespaceFacts>; planes: Set<string> } | undefined;
  const membershipChanged = { add: () => (membership = undefined), update: () => (membership = undefined), delete: () => (membership = undefined) };
  namespaces.addHandlers(membershipChanged);
  controlPlanes.addHandlers(membershipChanged);
  const meshOf = (namespace: string): string | undefined => {
    membership ??= {
      facts: new Map(namespaces.list().map((n) => [n.metadata.name ?? '', { name: n.metadata.name ?? '', labels: n.metadata.labels ?? {} }])),
      planes: new Set(controlPlanes.list().map((p) => p.metadata.namespace ?? '')),
    };
    return meshOfNamespace(namespace, membership.facts, membership.planes);
  };

  // Options per source, destination and certificate: callers that ask per request get the same object back.
  const built = new Map<string, { cert: WorkloadCertificate; tls: OriginatedTls }>();

  const originate = async (source: MeshSource, address: string, port: number): Promise<OriginatedTls | undefined> => {
    const destination = podAt(address);
    if (!destination) return undefined;
    const sourceMesh = meshOf(source.namespace);
    const destinationMesh = meshOf(destination.metadata.namespace ?? '');
    const policies = peerAuthentications.list().filter((p) => sourceMesh !== undefined && meshOf(p.metadata.namespace ?? '') === sourceMesh);
    const decision = originationDecision({ sourceMesh, destination, destinationMesh, port, peerAuthentications: policies });
    if (!decision.mtls) return undefined;
    const cert = await certificateFor(decision.mesh, source);
    if (!cert) return undefined;
    const memoKey = `${source.namespace}/${source.serviceAccount}>${address}:${port}|${decision.namespace}/${decision.serviceAccount}`;
    const hit = built.get(memoKey);
    if (hit?.cert === cert) return hit.tls;
    const trustDomain = parseSpiffeId(cert.spiffeId)?.trustDomain ?? 'cluster.local';
    const tls = meshClientTls(cert, {
      servername: istioMtlsSni(port, undefined, address),
      server: { trustDomain, subjectAltNames: [spiffeId(trustDomain, { namespace: decision.namespace, serviceAccount: decision.serviceAccount })] },
      alpn: MESH_HTTP_ALPN,
    });
    if (built.size >= 10_000) built.clear(); // pods come and go: forget old destinations wholesale
    built.set(memoKey, { cert, tls });
    return tls;
  };

  return { originate };
}
