/**
 * TLS origination towards one endpoint of a cluster, as its DestinationRule's
 * `trafficPolicy.tls` (or auto mTLS) asks:
 * - SIMPLE (e.g. an egress gateway calling an external HTTPS ServiceEntry) verifies the
 *   server against the system roots, with the SNI from `sni` or else the host (Istio's auto
 *   SNI) and the name checked against `subjectAltNames` or else that SNI.
 * - ISTIO_MUTUAL — explicit, or auto mTLS towards an endpoint whose tlsMode is `istio` —
 *   presents the gateway's own SPIFFE certificate, trusts only the mesh root, sends Istio's
 *   SNI `outbound_.<port>_.<subset>_.<host>` and requires the server to be the endpoint's
 *   workload (`spiffe://<td>/ns/<ns>/sa/<sa>`; the rule's `subjectAltNames` win; any SPIFFE
 *   ID of the trust domain when the endpoint's service account is unknown). Without a mesh
 *   certificate the endpoint is `unavailable` (503 UF), never plaintext.
 * - MUTUAL needs client certificates from `credentialName`, not read yet: plain.
 */
import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import type { Cluster, Endpoint } from '../config/model.ts';
import { istioMtlsSni } from '../config/cluster-policy.ts';
import { spiffeId } from '../../mesh/pki/spiffe.ts';
import { meshClientTls, MESH_HTTP_ALPN } from '../mesh-tls/client-options.ts';
import { trustDomainOfChain } from '../mesh-tls/server-identity.ts';
import type { MeshIdentity } from './tls-options.ts';

export type UpstreamTlsChoice = { tls: ConnectionOptions; tlsKey: string } | { unavailable: string } | undefined;

export const NO_MESH_IDENTITY = 'TLS_error:no workload certificate for ISTIO_MUTUAL (the mesh CA is not available)';

/** Whether this endpoint gets Istio mTLS: explicit ISTIO_MUTUAL, or auto mTLS to a sidecar. */
export function usesIstioMutual(cluster: Cluster, endpoint: Pick<Endpoint, 'tlsMode'>): boolean {
  return cluster.tls.mode === 'ISTIO_MUTUAL' && (!cluster.tls.auto || endpoint.tlsMode === 'istio');
}

function simpleTls(cluster: Cluster): { tls: ConnectionOptions; tlsKey: string } {
  const t = cluster.tls;
  const servername = t.sni ?? cluster.host;
  const sans = t.subjectAltNames;
  const tls: ConnectionOptions = {
    servername,
    ALPNProtocols: ['http/1.1'],
    rejectUnauthorized: t.insecureSkipVerify !== true,
    checkServerIdentity: (host: string, cert: PeerCertificate) => {
      if (t.insecureSkipVerify === true) return undefined;
      if (sans.length === 0) return checkServerIdentity(servername, cert);
      const names = (cert.subjectaltname ?? '').split(',').map((s) => s.trim().replace(/^(DNS|URI|IP Address):/, ''));
      return sans.some((s) => names.includes(s)) ? undefined : new Error(`the certificate of ${host} names none of ${sans.join(', ')}`);
    },
  };
  return { tls, tlsKey: `simple|${servername}|${sans.join(',')}|${t.insecureSkipVerify === true}` };
}

const trustDomains = new WeakMap<MeshIdentity, string>();

function trustDomainOf(mesh: MeshIdentity): string {
  let td = trustDomains.get(mesh);
  if (td === undefined) {
    td = trustDomainOfChain(mesh.certChainPem) ?? 'cluster.local';
    trustDomains.set(mesh, td);
  }
  return td;
}

/** The Istio mTLS options from `mesh` towards `endpoint` of `cluster`; `alpn` for TCP routes. */
export function istioMutualTls(cluster: Cluster, endpoint: Pick<Endpoint, 'namespace' | 'serviceAccount'>, mesh: MeshIdentity | undefined, alpn: readonly string[] = MESH_HTTP_ALPN): UpstreamTlsChoice {
  if (!mesh) return { unavailable: NO_MESH_IDENTITY };
  const trustDomain = trustDomainOf(mesh);
  const explicit = cluster.tls.subjectAltNames;
  const own = endpoint.serviceAccount && endpoint.namespace ? [spiffeId(trustDomain, { namespace: endpoint.namespace, serviceAccount: endpoint.serviceAccount })] : [];
  const origin = meshClientTls(mesh, {
    servername: cluster.tls.sni ?? istioMtlsSni(cluster.port, cluster.subset, cluster.host),
    server: { trustDomain, subjectAltNames: explicit.length > 0 ? explicit : own },
    alpn,
  });
  return { tls: origin.options, tlsKey: origin.key };
}

function chooseTls(cluster: Cluster, endpoint: Endpoint, mesh: MeshIdentity | undefined): UpstreamTlsChoice {
  if (cluster.tls.mode === 'SIMPLE') return simpleTls(cluster);
  if (usesIstioMutual(cluster, endpoint)) return istioMutualTls(cluster, endpoint, mesh);
  return undefined;
}

/** Compiled clusters and endpoints live as long as their configuration: options are built once per endpoint, not per request. */
const memo = new WeakMap<Cluster, WeakMap<Endpoint, { mesh: MeshIdentity | undefined; choice: UpstreamTlsChoice }>>();

/** TLS for a connection to `endpoint` of `cluster`; undefined: plaintext. */
export function upstreamTls(cluster: Cluster, endpoint: Endpoint, mesh: MeshIdentity | undefined): UpstreamTlsChoice {
  let perEndpoint = memo.get(cluster);
  if (!perEndpoint) {
    perEndpoint = new WeakMap();
    memo.set(cluster, perEndpoint);
  }
  const hit = perEndpoint.get(endpoint);
  if (hit && hit.mesh === mesh) return hit.choice;
  const choice = chooseTls(cluster, endpoint, mesh);
  perEndpoint.set(endpoint, { mesh, choice });
  return choice;
}

/** Whether a gateway's configuration originates Istio mTLS anywhere (so it needs its mesh certificate). */
export function originatesIstioMutual(clusters: readonly Cluster[]): boolean {
  return clusters.some((c) => c.tls.mode === 'ISTIO_MUTUAL' && (!c.tls.auto || c.endpoints.some((e) => e.tlsMode === 'istio')));
}
