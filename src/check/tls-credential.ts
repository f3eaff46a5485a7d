/**
 * What is wrong with a Gateway's TLS credential, read the way Istio's secret controller
 * reads a `credentialName` Secret: `tls.crt`/`tls.key` (a kubernetes.io/tls Secret) or
 * `cert`/`key` (generic); for MUTUAL also a CA bundle (`ca.crt`/`cacert` in the Secret, or
 * a separate `<name>-cacert` Secret). Pure: the caller finds the Secrets.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KubeObject } from '../api/object.ts';
import { hostsOverlap } from './objects.ts';

export const CREDENTIAL_EXPIRY_WARNING_DAYS = 7;
const DAY_MS = 86_400_000;

export interface CredentialFindings {
  /** Problems that stop the listener serving (missing, malformed, mismatched, expired). */
  errors: string[];
  /** Problems clients will see (expiring soon, a host the certificate does not cover). */
  warnings: string[];
}

export function decodeSecretData(secret: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((secret.data ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

export function inspectCredential(secret: KubeObject, caSecret: KubeObject | undefined, opts: { mutual: boolean; hosts: readonly string[]; now: Date }): CredentialFindings {
  const errors: string[] = [];
  const warnings: string[] = [];
  const data = decodeSecretData(secret);
  const certPem = data['tls.crt'] ?? data.cert;
  const keyPem = data['tls.key'] ?? data.key;
  if (!certPem || !keyPem) {
    errors.push(`has no ${certPem ? 'private key (tls.key or key)' : 'certificate (tls.crt or cert)'}`);
    return { errors, warnings };
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    errors.push('holds a certificate that is not PEM X.509');
    return { errors, warnings };
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) errors.push('holds a private key that does not match its certificate');
  } catch {
    errors.push('holds a private key that is not a PEM private key');
  }
  const notAfter = new Date(cert.validTo);
  const notBefore = new Date(cert.validFrom);
  if (notAfter.getTime() <= opts.now.getTime()) errors.push(`holds a certificate that expired at ${notAfter.toISOString()}`);
  else if (notAfter.getTime() <= opts.now.getTime() + CREDENTIAL_EXPIRY_WARNING_DAYS * DAY_MS) warnings.push(`holds a certificate that expires at ${notAfter.toISOString()} (within ${CREDENTIAL_EXPIRY_WARNING_DAYS} days)`);
  if (notBefore.getTime() > opts.now.getTime()) errors.push(`holds a certificate not valid before ${notBefore.toISOString()}`);
  const names = certificateNames(cert);
  const uncovered = opts.hosts.filter((h) => h !== '*' && !names.some((n) => certificateCovers(n, h)));
  if (uncovered.length > 0) warnings.push(`holds a certificate for ${names.join(', ') || 'no DNS name'} that does not cover host ${uncovered.join(', ')}`);
  if (opts.mutual) {
    const ca = data['ca.crt'] ?? data.cacert ?? (caSecret === undefined ? undefined : (() => { const c = decodeSecretData(caSecret); return c['ca.crt'] ?? c.cacert; })());
    if (!ca) errors.push('has no CA bundle for MUTUAL TLS (ca.crt in the Secret, or a <name>-cacert Secret)');
  }
  return { errors, warnings };
}

/** DNS names of the certificate's SAN, else its CN (as TLS clients fall back to). */
export function certificateNames(cert: X509Certificate): string[] {
  const sans = (cert.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4).toLowerCase());
  if (sans.length > 0) return sans;
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  return cn === undefined ? [] : [cn.toLowerCase()];
}

/**
 * Whether a certificate name serves a Gateway host: the same name; a `*.x` certificate for
 * a one-label `a.x` host; a wildcard host needs a certificate at least as wide.
 */
export function certificateCovers(certName: string, gatewayHost: string): boolean {
  const host = gatewayHost.toLowerCase();
  if (certName === host) return true;
  if (!certName.startsWith('*.')) return false;
  const suffix = certName.slice(1);
  if (host.startsWith('*.')) return host.slice(1) === suffix;
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.') && hostsOverlap(certName, host);
}
