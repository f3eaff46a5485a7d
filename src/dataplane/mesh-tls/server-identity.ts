/**
 * Who the server at the other end of a mesh mTLS connection must be, as Envoy's
 * `match_subject_alt_names` for ISTIO_MUTUAL checks it: the chain is verified against the
 * mesh root by the handshake itself (rejectUnauthorized), this adds the name check. With
 * names given (the destination pod's SPIFFE ID, or a DestinationRule's `subjectAltNames`)
 * one of them must appear among the certificate's SANs; without, any SPIFFE ID of the
 * mesh's trust domain will do (Istio's default when the endpoint's service account is
 * unknown). Pure: no I/O.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { parseSpiffeId } from '../../mesh/pki/spiffe.ts';

export interface ServerIdentityExpectation {
  trustDomain: string;
  /** Acceptable SANs (URI or DNS values); empty: any SPIFFE ID of `trustDomain`. */
  subjectAltNames: readonly string[];
}

/** `URI:spiffe://…, DNS:a.b` (Node's `subjectaltname`) as `{ kind, value }` pairs. */
export function subjectAltNamesOf(subjectAltName: string | undefined): { kind: string; value: string }[] {
  const out: { kind: string; value: string }[] = [];
  for (const part of (subjectAltName ?? '').split(',')) {
    const item = part.trim();
    const colon = item.indexOf(':');
    if (colon <= 0) continue;
    // Node quotes values holding special characters (`URI:"…"`): unquote them.
    let value = item.slice(colon + 1);
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out.push({ kind: item.slice(0, colon), value });
  }
  return out;
}

/** Why a server certificate fails the expectation, or undefined when it passes. */
export function serverIdentityProblem(expect: ServerIdentityExpectation, subjectAltName: string | undefined): string | undefined {
  const sans = subjectAltNamesOf(subjectAltName);
  if (expect.subjectAltNames.length > 0) {
    if (expect.subjectAltNames.some((want) => sans.some((s) => (s.kind === 'URI' || s.kind === 'DNS') && s.value === want))) return undefined;
    return `the server certificate names ${sans.map((s) => s.value).join(', ') || 'nothing'}, none of ${expect.subjectAltNames.join(', ')}`;
  }
  if (sans.some((s) => s.kind === 'URI' && parseSpiffeId(s.value)?.trustDomain === expect.trustDomain)) return undefined;
  return `the server certificate carries no SPIFFE ID of trust domain ${expect.trustDomain} (${sans.map((s) => s.value).join(', ') || 'no SANs'})`;
}

/** Node's `checkServerIdentity` for mesh mTLS (replaces the hostname check: the SNI is not a DNS name). */
export function meshServerIdentityCheck(expect: ServerIdentityExpectation): (host: string, cert: PeerCertificate) => Error | undefined {
  return (_host, cert) => {
    const problem = serverIdentityProblem(expect, cert.subjectaltname);
    return problem === undefined ? undefined : Object.assign(new Error(problem), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  };
}

/** The trust domain of a workload certificate chain (its first certificate's SPIFFE URI SAN). */
export function trustDomainOfChain(certChainPem: string): string | undefined {
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(certChainPem)?.[0];
  if (!first) return undefined;
  try {
    const sans = subjectAltNamesOf(new X509Certificate(first).subjectAltName);
    for (const s of sans) {
      const id = s.kind === 'URI' ? parseSpiffeId(s.value) : undefined;
      if (id) return id.trustDomain;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
