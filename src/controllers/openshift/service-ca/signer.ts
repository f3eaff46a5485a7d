/**
 * The service-serving signer: a self-signed CA named `openshift-service-serving-signer@<unix
 * time>` (the name tells signers apart across rotations), valid 790 days as the operator
 * makes it. It lives in Secret `openshift-service-ca/signing-key` (tls.crt, tls.key); the
 * bundle clients trust is `ca-bundle.crt` when a rotation left one, else tls.crt.
 * Pure functions here; `ensureSigner` in signer-secret.ts does the I/O.
 */
import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority, type CertificateAndKey } from '../../../pki/certificates.ts';

export const SIGNER_LIFETIME_MS = 790 * 24 * 3600 * 1000;
const CLOCK_SKEW_MS = 60 * 60 * 1000;

export interface Signer {
  ca: CertificateAndKey;
  /** The signer's subject CN, written to Services as `serving-cert-signed-by`. */
  commonName: string;
  cert: X509Certificate;
  /** What `inject-cabundle` ConfigMaps receive. */
  bundlePem: string;
}

export function signerCommonName(now: Date): string {
  return `openshift-service-serving-signer@${Math.floor(now.getTime() / 1000)}`;
}

/** A new signer's Secret data (PEM text, not yet base64). */
export async function createSignerFiles(now: Date): Promise<Record<string, string>> {
  const ca = await createCertificateAuthority({
    commonName: signerCommonName(now),
    // Back-dated like library-go's CAs, so a peer whose clock lags still accepts it.
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + SIGNER_LIFETIME_MS),
  });
  // Ending in a newline, as Go's PEM encoder writes it: bundles concatenate cleanly.
  return { 'tls.crt': ca.certPem.endsWith('\n') ? ca.certPem : `${ca.certPem}\n`, 'tls.key': ca.keyPem };
}

/** The signer a Secret's (decoded) data holds, or undefined when it holds none usable. */
export function signerFromFiles(files: Record<string, string>): Signer | undefined {
  const certPem = files['tls.crt'];
  const keyPem = files['tls.key'];
  if (!certPem || !keyPem) return undefined;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return undefined;
  }
  if (!cert.ca) return undefined;
  return { ca: { certPem, keyPem }, commonName: commonNameOf(cert), cert, bundlePem: files['ca-bundle.crt'] || certPem };
}

/** The CN of a certificate's subject (node prints the subject one `K=V` per line). */
export function commonNameOf(cert: X509Certificate): string {
  return cert.subject.split('\n').find((line) => line.startsWith('CN='))?.slice(3) ?? '';
}
