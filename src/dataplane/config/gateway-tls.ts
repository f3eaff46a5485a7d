/**
 * A Gateway server's `tls` block as the downstream TLS context of its filter chain
 * (istiod's buildGatewayListenerTLSContext): where the certificate comes from, whether
 * client certificates are required, protocol versions, ciphers and ALPN.
 */
import type { ServerCredential } from './credentials.ts';
import type { ServerTls } from './istio-specs.ts';
import type { DownstreamTls, TlsVersion } from './model.ts';

const VERSIONS: Readonly<Record<string, TlsVersion | undefined>> = {
  TLS_AUTO: undefined, TLSV1_0: 'TLSv1', TLSV1_1: 'TLSv1.1', TLSV1_2: 'TLSv1.2', TLSV1_3: 'TLSv1.3',
};

/** `TLSV1_2` → `TLSv1.2`; undefined for TLS_AUTO or an unknown value. */
export function tlsVersion(value: string | undefined): TlsVersion | undefined {
  return value === undefined ? undefined : VERSIONS[value.toUpperCase()];
}

/** ALPN a terminating HTTPS server offers (Envoy's gateway default: h2 then http/1.1). */
export const HTTPS_ALPN = ['h2', 'http/1.1'];

export type TerminatingMode = DownstreamTls['mode'];

export function isPassthrough(mode: string | undefined): boolean {
  return mode === undefined || mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH';
}

/**
 * The TLS context of a terminating server. `credential` is the loaded Secret when the
 * server names a `credentialName`; without one (and not ISTIO_MUTUAL) the certificate
 * comes from the file paths in the server.
 */
export function downstreamTls(tls: ServerTls, http: boolean, credential: ServerCredential | undefined): DownstreamTls {
  const mode = (tls.mode ?? 'SIMPLE') as TerminatingMode;
  const certificate: DownstreamTls['certificate'] = mode === 'ISTIO_MUTUAL'
    ? { source: 'mesh' }
    : credential
      ? { source: 'secret', credential }
      : { source: 'file', certPath: tls.serverCertificate ?? '', keyPath: tls.privateKey ?? '', ...(tls.caCertificates ? { caPath: tls.caCertificates } : {}) };
  const minVersion = tlsVersion(tls.minProtocolVersion);
  const maxVersion = tlsVersion(tls.maxProtocolVersion);
  return {
    mode,
    certificate,
    requireClientCertificate: mode === 'MUTUAL' || mode === 'ISTIO_MUTUAL',
    requestClientCertificate: mode === 'MUTUAL' || mode === 'ISTIO_MUTUAL' || mode === 'OPTIONAL_MUTUAL',
    subjectAltNames: [...(tls.subjectAltNames ?? [])],
    ...(minVersion ? { minVersion } : {}),
    ...(maxVersion ? { maxVersion } : {}),
    ...(tls.cipherSuites && tls.cipherSuites.length > 0 ? { cipherSuites: [...tls.cipherSuites] } : {}),
    alpn: http ? [...HTTPS_ALPN] : [],
  };
}
