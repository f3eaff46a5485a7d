/**
 * The server side of Istio mTLS on a sidecar's inbound port: the pod's own SPIFFE certificate,
 * the mesh root as the only CA a client certificate may chain to, and a client certificate
 * required in the handshake itself (a client without one, or with one from another CA, is
 * refused there, as Envoy's `require_client_certificate` does). ALPN accepts what Istio's
 * clients offer (`istio-peer-exchange`, `istio-http/1.1`, `istio`) and plain `http/1.1`;
 * never h2, which skiff's engine does not speak.
 */
import type { TlsOptions, TLSSocket } from 'node:tls';
import { parseSpiffeId } from '../../mesh/pki/index.ts';
import { spiffeUriOf } from '../http1/index.ts';
import type { MeshIdentity } from '../gateway/tls-options.ts';
import { clientCertDetails, type ClientCertDetails } from './xfcc.ts';

export const INBOUND_ALPN = ['http/1.1', 'istio-http/1.1', 'istio', 'istio-peer-exchange'];

export interface InboundTls {
  options: TlsOptions;
  /** Changes exactly when the served certificate or the trusted root changes (rotation). */
  fingerprint: string;
}

export function inboundTlsOptions(identity: MeshIdentity): InboundTls {
  return {
    options: {
      cert: identity.certChainPem,
      key: identity.keyPem,
      ca: identity.rootCertPem,
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: INBOUND_ALPN,
    },
    fingerprint: `${identity.certChainPem}\u0000${identity.rootCertPem}`,
  };
}

/** What a terminated mTLS connection tells about its client. */
export interface MtlsPeer {
  /** `spiffe://<td>/ns/<ns>/sa/<sa>` from the client's URI SAN, when it has one. */
  principal?: string;
  namespace?: string;
  sni?: string;
  cert?: ClientCertDetails;
}

export function mtlsPeerOf(socket: TLSSocket): MtlsPeer {
  const peer: MtlsPeer = {};
  if (typeof socket.servername === 'string' && socket.servername) peer.sni = socket.servername;
  if (!socket.authorized) return peer;
  const cert = socket.getPeerCertificate();
  if (!cert?.raw) return peer;
  peer.cert = clientCertDetails(cert);
  const principal = spiffeUriOf(cert.subjectaltname);
  if (principal) {
    peer.principal = principal;
    const id = parseSpiffeId(principal);
    if (id) peer.namespace = id.namespace;
  }
  return peer;
}
