/**
 * A terminating filter chain's DownstreamTls (H2's compiled Gateway `tls` block) as Node's
 * TLS server options. SIMPLE/MUTUAL take the credentialName Secret's certificate (MUTUAL
 * also its client CA); ISTIO_MUTUAL takes the gateway's own SPIFFE certificate and the
 * mesh's root as client CA, as Envoy gets them over SDS. Client certificates are required
 * in the handshake itself (rejectUnauthorized), so a client without one is refused there;
 * OPTIONAL_MUTUAL asks for one without requiring it.
 * Our engine speaks HTTP/1.1 only: ALPN offers `http/1.1` even where Istio offers h2.
 */
import type { TlsOptions } from 'node:tls';
import type { DownstreamTls } from '../config/model.ts';

/** The gateway's mesh identity, for ISTIO_MUTUAL (src/mesh/pki WorkloadCertificate). */
export interface MeshIdentity { certChainPem: string; keyPem: string; rootCertPem: string; notAfter: Date }

export type TlsOptionsResult = { ok: true; options: TlsOptions; fingerprint: string } | { ok: false; message: string };

export function tlsServerOptions(tls: DownstreamTls, mesh: MeshIdentity | undefined): TlsOptionsResult {
  let cert: string;
  let key: string;
  let ca: string | undefined;
  if (tls.certificate.source === 'mesh') {
    if (!mesh) return { ok: false, message: 'ISTIO_MUTUAL needs the gateway\'s mesh certificate, and the mesh CA is not available yet' };
    ({ certChainPem: cert, keyPem: key, rootCertPem: ca } = mesh);
  } else if (tls.certificate.source === 'secret') {
    cert = tls.certificate.credential.certChainPem;
    key = tls.certificate.credential.privateKeyPem;
    ca = tls.certificate.credential.caPem;
  } else {
    // Certificates mounted as files into the gateway pod (serverCertificate/privateKey) are not read by skiff.
    return { ok: false, message: 'tls without credentialName (serverCertificate/privateKey files) is not supported by skiff\'s gateways; use credentialName' };
  }
  const requireClient = tls.requireClientCertificate;
  // OPTIONAL_MUTUAL asks for a certificate and verifies one if sent, but lets clients without one in.
  const requestClient = requireClient || tls.requestClientCertificate;
  if (requestClient && !ca) return { ok: false, message: `${tls.mode} needs a CA to verify client certificates` };
  const options: TlsOptions = {
    cert, key,
    ALPNProtocols: ['http/1.1'],
    ...(requestClient ? { ca, requestCert: true, rejectUnauthorized: requireClient } : { requestCert: false }),
    ...(tls.minVersion ? { minVersion: tls.minVersion } : {}),
    ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}),
    ...(tls.cipherSuites ? { ciphers: tls.cipherSuites.join(':') } : {}),
  };
  // What decides whether the served certificate changed (rotation) without comparing objects.
  const fingerprint = [tls.mode, cert, key, ca ?? '', tls.minVersion ?? '', tls.maxVersion ?? '', tls.cipherSuites?.join(':') ?? '', tls.subjectAltNames.join(',')].join('\u0000');
  return { ok: true, options, fingerprint };
}

/**
 * Client SAN check for MUTUAL/ISTIO_MUTUAL servers with `subjectAltNames`: the peer's
 * certificate must carry one of them (DNS or URI). Empty list: any verified client.
 */
export function clientSanAllowed(allowed: readonly string[], peerSubjectAltName: string | undefined): boolean {
  if (allowed.length === 0) return true;
  const sans = (peerSubjectAltName ?? '').split(',').map((s) => s.trim().replace(/^(DNS|URI):/, ''));
  return allowed.some((a) => sans.includes(a));
}
