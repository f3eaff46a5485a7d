/**
 * A mesh's certificate authority, as istiod keeps it (pure: no I/O).
 *
 * Two sources, in istiod's order of preference:
 * - the user's plug-in CA, the `cacerts` Secret in the mesh namespace, in Istio's format
 *   (`ca-cert.pem`, `ca-key.pem`, `root-cert.pem`, optional `cert-chain.pem`) or
 *   cert-manager's (`tls.crt`, `tls.key`, `ca.crt`);
 * - otherwise the mesh's own CA, which skiff creates once and keeps in `istio-ca-secret`
 *   (the Secret istiod's self-signed CA uses) so that a restart keeps the same root: a
 *   self-signed root (10 years) and an issuing intermediate (1 year) that signs workload
 *   certificates. Unlike istiod, whose self-signed root signs directly, the root key only
 *   ever signs the intermediate, so the issuing key can be rotated under a stable root:
 *   the intermediate is re-issued when less than 20 % of its lifetime remains (istiod's
 *   CITADEL_SELF_SIGNED_ROOT_CERT_GRACE_PERIOD_PERCENTILE).
 */
import { createPrivateKey } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import { SkiffError } from '../../errors/skiff-error.ts';
import { type CertificateAndKey, createCertificateAuthority, issueCertificateAuthority } from '../../pki/certificates.ts';
import { joinPem, parseCertificate, sameCertificate, splitCertificates, validityOf } from './pem.ts';

export const PLUGIN_SECRET_NAME = 'cacerts';
export const CA_SECRET_NAME = 'istio-ca-secret';
/** The type istiod gives `istio-ca-secret`. */
export const CA_SECRET_TYPE = 'istio.io/ca-root';

/** File names inside the CA Secrets (Istio's plug-in names; `root-key.pem` is skiff's own CA only). */
export const CA_FILES = {
  caCert: 'ca-cert.pem',
  caKey: 'ca-key.pem',
  certChain: 'cert-chain.pem',
  rootCert: 'root-cert.pem',
  rootKey: 'root-key.pem',
} as const;

const DAY_MS = 86_400_000;
export const ROOT_LIFETIME_MS = 3650 * DAY_MS;
export const ISSUER_LIFETIME_MS = 365 * DAY_MS;
/** Re-issue the intermediate once less than this share of its lifetime remains. */
export const ISSUER_GRACE_RATIO = 0.2;
/** Certificates start a minute early so that a verifier whose clock lags accepts them. */
export const BACKDATE_MS = 60_000;

export type CaSource = 'plug-in' | 'self-signed';
/** Decoded Secret data: file name → text. */
export type CaFiles = Readonly<Record<string, string>>;

export interface MeshCa {
  readonly meshNamespace: string;
  readonly trustDomain: string;
  readonly source: CaSource;
  /** The CA that signs workload certificates (an intermediate, or the plug-in's ca-cert). */
  readonly issuer: CertificateAndKey;
  /** The issuer's chain up to and including the root, issuer first (as cert-chain.pem). */
  readonly certChainPem: string;
  readonly rootCertPem: string;
  readonly issuerNotAfter: Date;
}

export interface CaContext {
  meshNamespace: string;
  trustDomain: string;
  source: CaSource;
  /** The Secret the files came from, for messages. */
  secretName: string;
}

/** Istio's plug-in layout from either of the formats `cacerts` may use. */
export function pluginFiles(data: CaFiles): CaFiles {
  if (data[CA_FILES.caCert] === undefined && data['tls.crt'] !== undefined) {
    const chain = joinPem([...splitCertificates(data['tls.crt']), ...splitCertificates(data['ca.crt'] ?? '')]);
    return { [CA_FILES.caCert]: data['tls.crt'], [CA_FILES.caKey]: data['tls.key'] ?? '', [CA_FILES.rootCert]: data['ca.crt'] ?? '', [CA_FILES.certChain]: chain };
  }
  return data;
}

/** Checks the files and builds the CA; throws SKF_MESH_CA_INVALID naming what is wrong. */
export function meshCaFromFiles(files: CaFiles, ctx: CaContext, now: Date): MeshCa {
  const where = `${ctx.meshNamespace}/${ctx.secretName}`;
  const invalid = (what: string) => new SkiffError('SKF_MESH_CA_INVALID', `mesh CA secret ${where}: ${what}`, { details: { secret: where } });
  const caCertPem = files[CA_FILES.caCert];
  const caKeyPem = files[CA_FILES.caKey];
  const rootPem = files[CA_FILES.rootCert];
  for (const [name, value] of [[CA_FILES.caCert, caCertPem], [CA_FILES.caKey, caKeyPem], [CA_FILES.rootCert, rootPem]] as const) {
    if (!value || value.trim() === '') throw invalid(`${name} is missing or empty`);
  }
  const issuerCert = parseCertificate(caCertPem!);
  if (!issuerCert) throw invalid(`${CA_FILES.caCert} is not a PEM certificate`);
  const root = parseCertificate(rootPem!);
  if (!root) throw invalid(`${CA_FILES.rootCert} is not a PEM certificate`);
  if (!issuerCert.ca) throw invalid(`${CA_FILES.caCert} is not a CA certificate (basicConstraints CA:TRUE is required to sign workload certificates)`);
  let keyMatches: boolean;
  try {
    keyMatches = issuerCert.checkPrivateKey(createPrivateKey(caKeyPem!));
  } catch {
    throw invalid(`${CA_FILES.caKey} is not a PEM private key`);
  }
  if (!keyMatches) throw invalid(`${CA_FILES.caKey} does not match the public key of ${CA_FILES.caCert}`);
  const chain = chainToRoot(issuerCert, files[CA_FILES.certChain] ?? '', root);
  if (typeof chain === 'string') throw invalid(chain);
  for (const cert of chain) {
    const { notBefore, notAfter } = validityOf(cert);
    if (notAfter.getTime() <= now.getTime()) throw invalid(`certificate "${cert.subject.replaceAll('\n', ', ')}" expired at ${notAfter.toISOString()}`);
    if (notBefore.getTime() > now.getTime()) throw invalid(`certificate "${cert.subject.replaceAll('\n', ', ')}" is not valid before ${notBefore.toISOString()}`);
  }
  return {
    meshNamespace: ctx.meshNamespace,
    trustDomain: ctx.trustDomain,
    source: ctx.source,
    issuer: { certPem: caCertPem!, keyPem: caKeyPem! },
    certChainPem: joinPem(chain.map((c) => c.toString())),
    rootCertPem: rootPem!,
    issuerNotAfter: validityOf(issuerCert).notAfter,
  };
}

/**
 * The chain from the issuer to the root: the issuer, the intermediates cert-chain.pem lists
 * (it may or may not repeat the issuer and the root), then the root. Each link must be
 * signed by the next; returns what is wrong otherwise.
 */
function chainToRoot(issuer: X509Certificate, chainPem: string, root: X509Certificate): X509Certificate[] | string {
  const listed = splitCertificates(chainPem).map((pem) => parseCertificate(pem));
  if (listed.some((c) => c === undefined)) return `${CA_FILES.certChain} holds a block that is not a certificate`;
  const middle = (listed as X509Certificate[]).filter((c) => !sameCertificate(c, issuer) && !sameCertificate(c, root));
  const chain = [issuer, ...middle];
  if (!sameCertificate(issuer, root)) chain.push(root);
  for (let i = 0; i + 1 < chain.length; i++) {
    const child = chain[i]!;
    const parent = chain[i + 1]!;
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) {
      return `"${child.subject.replaceAll('\n', ', ')}" is not signed by "${parent.subject.replaceAll('\n', ', ')}": ${CA_FILES.caCert} must chain to ${CA_FILES.rootCert} through ${CA_FILES.certChain}`;
    }
  }
  if (!root.verify(root.publicKey)) return `${CA_FILES.rootCert} is not a self-signed root certificate`;
  return chain;
}

/** A new self-signed root and issuing intermediate, as the files of `istio-ca-secret`. */
export async function createSelfSignedCaFiles(trustDomain: string, now: Date): Promise<Record<string, string>> {
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const root = await createCertificateAuthority({ commonName: 'Root CA', organizations: [trustDomain], notBefore, notAfter: new Date(now.getTime() + ROOT_LIFETIME_MS) });
  return issuerFiles(root, trustDomain, now);
}

/** Whether the self-signed CA's intermediate should be re-issued (less than 20 % of its lifetime left). */
export function issuerRenewalDue(files: CaFiles, now: Date): boolean {
  const cert = parseCertificate(files[CA_FILES.caCert] ?? '');
  if (!cert) return true;
  const { notBefore, notAfter } = validityOf(cert);
  const lifetime = notAfter.getTime() - notBefore.getTime();
  return notAfter.getTime() - now.getTime() < lifetime * ISSUER_GRACE_RATIO;
}

/** Re-issues the intermediate of the mesh's own CA under the same root. */
export async function renewIssuerFiles(files: CaFiles, trustDomain: string, now: Date): Promise<Record<string, string>> {
  const rootCertPem = files[CA_FILES.rootCert];
  const rootKeyPem = files[CA_FILES.rootKey];
  if (!rootCertPem || !rootKeyPem) throw new SkiffError('SKF_MESH_CA_INVALID', `mesh CA secret ${CA_SECRET_NAME}: ${CA_FILES.rootCert} and ${CA_FILES.rootKey} are needed to re-issue the intermediate`);
  return issuerFiles({ certPem: rootCertPem, keyPem: rootKeyPem }, trustDomain, now);
}

async function issuerFiles(root: CertificateAndKey, trustDomain: string, now: Date): Promise<Record<string, string>> {
  const rootCert = parseCertificate(root.certPem)!;
  const rootNotAfter = validityOf(rootCert).notAfter.getTime();
  const notAfter = new Date(Math.min(now.getTime() + ISSUER_LIFETIME_MS, rootNotAfter));
  const issuer = await issueCertificateAuthority(root, { commonName: 'Intermediate CA', organizations: [trustDomain], notBefore: new Date(now.getTime() - BACKDATE_MS), notAfter });
  return {
    [CA_FILES.caCert]: issuer.certPem,
    [CA_FILES.caKey]: issuer.keyPem,
    [CA_FILES.certChain]: joinPem([issuer.certPem, root.certPem]),
    [CA_FILES.rootCert]: root.certPem,
    [CA_FILES.rootKey]: root.keyPem,
  };
}
