/**
 * The contract between skiff's in-process mesh clients (gateways, the activator, the
 * autoscaler's scraper) and the mesh: Istio's auto mTLS as the client side of a sidecar does
 * it. A connection from a meshed workload to a destination whose pod runs a sidecar (label
 * `security.istio.io/tlsMode: istio`), whose PeerAuthentication does not DISABLE the port and
 * whose sidecar captures the port (not in its excluded inbound ports), is originated as mTLS
 * with the source workload's SPIFFE certificate; anything else stays plaintext.
 */
import type { ConnectionOptions } from 'node:tls';

/** The workload a connection originates from: its identity is `spiffe://<td>/ns/<namespace>/sa/<serviceAccount>`. */
export interface MeshSource {
  namespace: string;
  serviceAccount: string;
}

export interface OriginatedTls {
  /** Node TLS client options: client certificate chain and key, the mesh root as CA, SNI, ALPN, server identity check. */
  options: ConnectionOptions;
  /** Pool key: connections with equal keys are interchangeable (same source identity, same destination identity check). */
  key: string;
}

export interface MeshClientTls {
  /**
   * TLS to use from `source` to `address:port` (a pod IP and port), or undefined when the
   * destination takes plaintext (no sidecar, DISABLE, an excluded port, no mesh CA, or a
   * source outside every mesh).
   */
  originate(source: MeshSource, address: string, port: number): Promise<OriginatedTls | undefined>;
}
