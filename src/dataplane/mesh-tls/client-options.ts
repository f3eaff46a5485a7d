/**
 * Node TLS client options for Istio mTLS origination: the source workload's certificate
 * chain and key, the mesh root as the only trust anchor, Istio's SNI and ALPN, and the
 * server identity check (server-identity.ts). One SecureContext per certificate: parsing a
 * key per connection would cost more than the handshake. Pure apart from that cache.
 */
import { createSecureContext, type ConnectionOptions, type SecureContext } from 'node:tls';
import type { OriginatedTls } from './types.ts';
import { meshServerIdentityCheck, type ServerIdentityExpectation } from './server-identity.ts';

/** The client's side of the handshake (a WorkloadCertificate or a gateway's MeshIdentity). */
export interface ClientCertificate {
  certChainPem: string;
  keyPem: string;
  rootCertPem: string;
}

/**
 * What an Istio client proxy offers: `istio-http/1.1` (HTTP) or `istio-peer-exchange` (TCP)
 * marks mesh traffic, `istio` is the generic mesh marker. `http/1.1` comes last so a plain
 * Node server (which picks by its own preference) still finds a protocol it speaks.
 */
export const MESH_HTTP_ALPN: readonly string[] = ['istio-http/1.1', 'istio', 'http/1.1'];
export const MESH_TCP_ALPN: readonly string[] = ['istio-peer-exchange', 'istio', 'http/1.1'];


const contexts = new WeakMap<ClientCertificate, SecureContext>();
const tags = new WeakMap<ClientCertificate, number>();
let nextTag = 0;

function contextOf(cert: ClientCertificate): SecureContext {
  let ctx = contexts.get(cert);
  if (!ctx) {
    ctx = createSecureContext({ cert: cert.certChainPem, key: cert.keyPem, ca: cert.rootCertPem });
    contexts.set(cert, ctx);
  }
  return ctx;
}

/** A short tag per certificate object, so pool keys change when the certificate does. */
export function certificateTag(cert: ClientCertificate): number {
  let tag = tags.get(cert);
  if (tag === undefined) {
    tag = ++nextTag;
    tags.set(cert, tag);
  }
  return tag;
}

export interface MeshTlsRequest {
  servername: string;
  server: ServerIdentityExpectation;
  /** Defaults to MESH_HTTP_ALPN. */
  alpn?: readonly string[];
}

export function meshClientTls(cert: ClientCertificate, req: MeshTlsRequest): OriginatedTls {
  const options: ConnectionOptions = {
    secureContext: contextOf(cert),
    // Ignored by tls.connect next to secureContext, but part of an https.Agent's pool key:
    // connections made with another (or a rotated) certificate are not shared.
    cert: cert.certChainPem, key: cert.keyPem, ca: cert.rootCertPem,
    servername: req.servername,
    ALPNProtocols: [...(req.alpn ?? MESH_HTTP_ALPN)],
    rejectUnauthorized: true,
    checkServerIdentity: meshServerIdentityCheck(req.server),
  };
  const sans = req.server.subjectAltNames.length > 0 ? req.server.subjectAltNames.join(',') : `*@${req.server.trustDomain}`;
  return { options, key: `istio|${certificateTag(cert)}|${req.servername}|${sans}|${(req.alpn ?? MESH_HTTP_ALPN).join(',')}` };
}
