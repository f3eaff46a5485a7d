/**
 * The MeshClientTls service (types.ts) over the API: its own informers on Pods, Namespaces,
 * PeerAuthentications and control planes tell, per destination address, whether a sidecar
 * there takes mTLS (origination-decision.ts); the source's workload certificate is issued by
 * the mesh's CA (src/mesh/pki) once per mesh, namespace and service account, and again once
 * it reaches its renewal time, as the Istio agent rotates it. A mesh without a CA yet leaves
 * connections plaintext (retried after a second, not per call).
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { podIPv4 } from '../../api/builtin/core/pod-readiness.ts';
import type { KubeObject } from '../../api/object.ts';
import { Informer } from '../../client/informer.ts';
import type { Client } from '../../client/types.ts';
import { issueWorkloadCertificate, loadMeshCa, parseSpiffeId, spiffeId, type WorkloadCertificate } from '../../mesh/pki/index.ts';
import type { Logger } from '../../util/log.ts';
import type { PeerAuthentication } from '../config/peer-authentication.ts';
import { istioMtlsSni } from '../config/cluster-policy.ts';
import { meshClientTls, MESH_HTTP_ALPN } from './client-options.ts';
import { meshOfNamespace, originationDecision, podServesTraffic, type NamespaceFacts } from './origination-decision.ts';
import type { MeshClientTls, MeshSource, OriginatedTls } from './types.ts';

const KINDS = {
  pod: { apiVersion: 'v1', kind: 'Pod' },
  namespace: { apiVersion: 'v1', kind: 'Namespace' },
  peerAuthentication: { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication' },
  controlPlane: { apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane' },
} as const;

/** How long "this mesh has no CA (yet)" is believed before asking again. */
const MISSING_CA_RETRY_MS = 1_000;

export interface MeshClientTlsService extends MeshClientTls {
  stop(): void;
}

interface CertEntry { cert: Promise<WorkloadCertificate | undefined>; retryAfter: number }

export async function createMeshClientTls(client: Client, log: Logger): Promise<MeshClientTlsService> {
  const pods = new Informer<Pod>(client, KINDS.pod, {}, log);
  const namespaces = new Informer<KubeObject>(client, KINDS.namespace, {}, log);
  const peerAuthentications = new Informer<PeerAuthentication>(client, KINDS.peerAuthentication, {}, log);
  const controlPlanes = new Informer<KubeObject>(client, KINDS.controlPlane, {}, log);
  const all = [pods, namespaces, peerAuthentications, controlPlanes];

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

  const certs = new Map<string, CertEntry>();
  const certificateFor = async (mesh: string, source: MeshSource): Promise<WorkloadCertificate | undefined> => {
    const key = `${mesh}/${source.namespace}/${source.serviceAccount}`;
    const now = Date.now();
    const entry = certs.get(key);
    if (entry) {
      const cert = await entry.cert;
      if (cert ? cert.renewAt.getTime() > now : now < entry.retryAfter) return cert;
      if (certs.get(key) !== entry) return certificateFor(mesh, source); // another caller renewed it meanwhile
    }
    const fresh: CertEntry = { cert: issue(mesh, source), retryAfter: now + MISSING_CA_RETRY_MS };
    certs.set(key, fresh);
    return fresh.cert;
  };
  const issue = async (mesh: string, source: MeshSource): Promise<WorkloadCertificate | undefined> => {
    try {
      const ca = await loadMeshCa(client, mesh);
      if (!ca) return undefined;
      return await issueWorkloadCertificate(ca, source);
    } catch (err) {
      log.warn({ err, mesh, source: `${source.namespace}/${source.serviceAccount}` }, 'mesh mTLS: cannot issue the workload certificate; connecting in plaintext');
      return undefined;
    }
  };

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

  try {
    await Promise.all(all.map((i) => i.start()));
  } catch (err) {
    for (const i of all) i.stop();
    throw err;
  }
  return {
    originate,
    stop: () => {
      for (const i of all) i.stop();
    },
  };
}
