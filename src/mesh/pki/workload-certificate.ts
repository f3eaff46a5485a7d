/**
 * Workload certificates, as istiod's CA signs them for a proxy's CSR: an ECDSA P-256 key,
 * an empty subject, the SPIFFE ID as the only (critical) URI SAN, client and server auth,
 * 24 hours by default (Istio's DEFAULT_WORKLOAD_CERT_TTL), never past the issuer's expiry.
 *
 * Rotation follows Istio's agent: a certificate is renewed once half of its lifetime has
 * passed (SECRET_GRACE_PERIOD_RATIO = 0.5), so a 24 h certificate is replaced after 12 h
 * and a missed renewal still leaves 12 h of validity. The holder serves the new certificate
 * to new handshakes while open connections keep the old one.
 */
import { issueCertificate } from '../../pki/certificates.ts';
import type { MeshCa } from './mesh-ca.ts';
import { BACKDATE_MS } from './mesh-ca.ts';
import { joinPem } from './pem.ts';
import { type WorkloadIdentity, spiffeId } from './spiffe.ts';

export const DEFAULT_WORKLOAD_CERT_TTL_MS = 24 * 3_600_000;
/** Istio's ceiling on a requested lifetime (MAX_WORKLOAD_CERT_TTL, 90 days). */
export const MAX_WORKLOAD_CERT_TTL_MS = 90 * 86_400_000;
export const RENEWAL_RATIO = 0.5;

export interface WorkloadCertificate {
  readonly spiffeId: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** The workload certificate followed by the issuer's chain up to the root (what a proxy presents). */
  readonly certChainPem: string;
  /** The mesh's trust bundle: what peers' chains are verified against. */
  readonly rootCertPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** When the holder should ask for a new certificate. */
  readonly renewAt: Date;
}

export interface IssueOptions {
  /** Requested lifetime (default 24 h; capped at 90 days and at the issuer's expiry). */
  ttlMs?: number;
  now?: Date;
}

export async function issueWorkloadCertificate(mesh: MeshCa, id: WorkloadIdentity, opts: IssueOptions = {}): Promise<WorkloadCertificate> {
  const now = opts.now ?? new Date();
  const ttl = Math.min(opts.ttlMs ?? DEFAULT_WORKLOAD_CERT_TTL_MS, MAX_WORKLOAD_CERT_TTL_MS);
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const notAfter = new Date(Math.min(now.getTime() + ttl, mesh.issuerNotAfter.getTime()));
  const uri = spiffeId(mesh.trustDomain, id);
  const leaf = await issueCertificate(mesh.issuer, { uris: [uri], usages: ['serverAuth', 'clientAuth'], notBefore, notAfter });
  return {
    spiffeId: uri,
    certPem: leaf.certPem,
    keyPem: leaf.keyPem,
    certChainPem: joinPem([leaf.certPem, mesh.certChainPem]),
    rootCertPem: mesh.rootCertPem,
    notBefore,
    notAfter,
    renewAt: renewalTime(notBefore, notAfter),
  };
}

/** The moment a certificate valid over [notBefore, notAfter] should be renewed. */
export function renewalTime(notBefore: Date, notAfter: Date, ratio = RENEWAL_RATIO): Date {
  return new Date(notBefore.getTime() + (notAfter.getTime() - notBefore.getTime()) * ratio);
}

/** The roots a proxy of this mesh trusts (PEM): what `istio-ca-root-cert` distributes. */
export function meshTrustBundle(mesh: MeshCa): string {
  return mesh.rootCertPem;
}
