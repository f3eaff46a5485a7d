/**
 * The cluster PKI of one skiff data directory: a CA, the API server's serving certificate,
 * the admin's client certificate and the admin bearer token. Created on first start, loaded
 * afterwards; the derived credentials are re-issued when they near expiry or are damaged.
 * The CA is never replaced silently: every kubeconfig and certificate depends on it, so a
 * damaged or expired CA is an error the user resolves.
 *
 * The caller holds the data-directory lock (instance-lock.ts), so nothing else writes here.
 */
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import type { ServerOptions } from 'node:https';
import { join } from 'node:path';
import { SkiffError } from '../errors/skiff-error.ts';
import { writeFileAtomic } from '../util/atomic-file.ts';
import { type CertificateAndKey, type LeafRequest, createCertificateAuthority, issueCertificate } from './certificates.ts';
import { PKI_FILES } from './layout.ts';

const DAY_MS = 86_400_000;
const CA_LIFETIME_DAYS = 3650;
const LEAF_LIFETIME_DAYS = 365;
const RENEW_WITHIN_DAYS = 30;
/** Issued certificates start a minute early so a verifier whose clock lags slightly accepts them. */
const BACKDATE_MS = 60_000;

export const CA_COMMON_NAME = 'skiff-ca';
export const ADMIN_USER = 'skiff-admin';
export const ADMIN_GROUPS: readonly string[] = ['system:masters'];
/** Names a client may use for the API server: loopback, and the in-cluster service names. */
export const API_SERVER_DNS_NAMES: readonly string[] = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
export const API_SERVER_IPS: readonly string[] = ['127.0.0.1', '::1'];

type LeafProfile = Omit<LeafRequest, 'notBefore' | 'notAfter'>;

const SERVING_PROFILE: LeafProfile = { commonName: 'kube-apiserver', dnsNames: API_SERVER_DNS_NAMES, ipAddresses: API_SERVER_IPS, usages: ['serverAuth'] };
const ADMIN_PROFILE: LeafProfile = { commonName: ADMIN_USER, organizations: ADMIN_GROUPS, usages: ['clientAuth'] };

const EXTENDED_KEY_USAGE_OIDS = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

/** What `ensureClusterPki` created or re-issued on this call, for the startup log. */
export interface PkiChange {
  item: 'ca' | 'serving' | 'admin' | 'token';
  action: 'created' | 'renewed';
  /** Why an existing credential was replaced (e.g. `expires 2027-01-01T00:00:00.000Z`). */
  reason?: string;
}

export interface ClusterPki {
  readonly dir: string;
  readonly caPem: string;
  readonly caKeyPem: string;
  readonly servingCertPem: string;
  readonly servingKeyPem: string;
  readonly adminCertPem: string;
  readonly adminKeyPem: string;
  /** 32 random bytes, base64url: the admin's bearer token. */
  readonly adminToken: string;
  readonly changes: readonly PkiChange[];
  /** Conditions the operator should know about (e.g. the CA expires within 30 days). */
  readonly warnings: readonly string[];
  /**
   * Options for `https.createServer`/`http2.createSecureServer`. Client certificates are
   * requested but not required: each request is authenticated by `authenticate()`, which
   * also accepts the bearer token.
   */
  tlsServerOptions(): ServerOptions;
}

export interface EnsureClusterPkiOptions {
  /** Clock used for validity windows and renewal decisions (tests inject one). */
  now?: () => Date;
}

/** Creates or loads (renewing as needed) the cluster PKI in `dir`. */
export async function ensureClusterPki(dir: string, options: EnsureClusterPkiOptions = {}): Promise<ClusterPki> {
  const now = (options.now ?? (() => new Date()))();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const changes: PkiChange[] = [];
  const warnings: string[] = [];

  const ca = await loadOrCreateCa(dir, now, changes, warnings);
  const serving = await ensureLeaf(dir, 'serving', PKI_FILES.servingCert, PKI_FILES.servingKey, SERVING_PROFILE, ca, now, changes);
  const admin = await ensureLeaf(dir, 'admin', PKI_FILES.adminCert, PKI_FILES.adminKey, ADMIN_PROFILE, ca, now, changes);
  const adminToken = await ensureToken(dir, changes);

  return {
    dir,
    caPem: ca.certPem,
    caKeyPem: ca.keyPem,
    servingCertPem: serving.certPem,
    servingKeyPem: serving.keyPem,
    adminCertPem: admin.certPem,
    adminKeyPem: admin.keyPem,
    adminToken,
    changes,
    warnings,
    tlsServerOptions: () => ({
      key: serving.keyPem,
      cert: serving.certPem,
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    }),
  };
}

async function loadOrCreateCa(dir: string, now: Date, changes: PkiChange[], warnings: string[]): Promise<CertificateAndKey> {
  const certPath = join(dir, PKI_FILES.caCert);
  const keyPath = join(dir, PKI_FILES.caKey);
  const [certPem, keyPem] = await Promise.all([readCaFile(certPath), readCaFile(keyPath)]);
  if (certPem === undefined && keyPem === undefined) {
    const ca = await createCertificateAuthority({
      commonName: CA_COMMON_NAME,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + CA_LIFETIME_DAYS * DAY_MS),
    });
    // Key first: a crash between the two writes leaves a key without a certificate, which
    // the next start reports instead of pairing a new certificate with a lost key.
    await writeFileAtomic(keyPath, ca.keyPem);
    await writeFileAtomic(certPath, ca.certPem);
    changes.push({ item: 'ca', action: 'created' });
    return ca;
  }
  if (certPem === undefined || keyPem === undefined) {
    const missing = certPem === undefined ? certPath : keyPath;
    throw new SkiffError('SKF_PKI_CA_INVALID', `the cluster CA is incomplete: ${missing} is missing`);
  }
  const cert = parseCertificate(certPem);
  if (cert === undefined) throw new SkiffError('SKF_PKI_CA_INVALID', `${certPath} is not a PEM certificate`);
  const key = parsePrivateKey(keyPem);
  if (key === undefined) throw new SkiffError('SKF_PKI_CA_INVALID', `${keyPath} is not a PEM private key`);
  if (!cert.checkPrivateKey(key)) throw new SkiffError('SKF_PKI_CA_INVALID', `${keyPath} is not the key of ${certPath}`);
  if (!cert.ca) throw new SkiffError('SKF_PKI_CA_INVALID', `${certPath} is not a CA certificate (basicConstraints CA:FALSE)`);
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now.getTime() > notAfter.getTime()) {
    throw new SkiffError('SKF_PKI_CA_EXPIRED', `the cluster CA ${certPath} expired on ${notAfter.toISOString()}`);
  }
  if (now.getTime() < notBefore.getTime()) {
    throw new SkiffError('SKF_PKI_CA_EXPIRED', `the cluster CA ${certPath} is not valid before ${notBefore.toISOString()}`);
  }
  if (notAfter.getTime() - now.getTime() < RENEW_WITHIN_DAYS * DAY_MS) {
    warnings.push(`the cluster CA ${certPath} expires on ${notAfter.toISOString()}; certificates it issues cannot outlive it`);
  }
  return { certPem, keyPem };
}

async function ensureLeaf(
  dir: string,
  item: 'serving' | 'admin',
  certFile: string,
  keyFile: string,
  profile: LeafProfile,
  ca: CertificateAndKey,
  now: Date,
  changes: PkiChange[],
): Promise<CertificateAndKey> {
  const certPath = join(dir, certFile);
  const keyPath = join(dir, keyFile);
  const [certPem, keyPem] = await Promise.all([readOptional(certPath), readOptional(keyPath)]);
  const existing = certPem !== undefined && keyPem !== undefined ? { certPem, keyPem } : undefined;
  const problem = existing === undefined ? undefined : leafProblem(existing, profile, ca, now);
  if (existing !== undefined && problem === undefined) return existing;

  const caNotAfter = new Date(new X509Certificate(ca.certPem).validTo).getTime();
  const leaf = await issueCertificate(ca, {
    ...profile,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    // A certificate outliving its issuer would be rejected anyway; end it with the CA.
    notAfter: new Date(Math.min(now.getTime() + LEAF_LIFETIME_DAYS * DAY_MS, caNotAfter)),
  });
  await writeFileAtomic(keyPath, leaf.keyPem);
  await writeFileAtomic(certPath, leaf.certPem);
  const reason = problem ?? (certPem === undefined && keyPem === undefined ? undefined : `${certPem === undefined ? certPath : keyPath} is missing`);
  changes.push(reason === undefined ? { item, action: 'created' } : { item, action: 'renewed', reason });
  return leaf;
}

/** Why an existing leaf must be re-issued, or undefined when it is fine as it is. */
function leafProblem(leaf: CertificateAndKey, profile: LeafProfile, ca: CertificateAndKey, now: Date): string | undefined {
  const cert = parseCertificate(leaf.certPem);
  if (cert === undefined) return 'the certificate is unreadable';
  const key = parsePrivateKey(leaf.keyPem);
  if (key === undefined) return 'the private key is unreadable';
  if (!cert.checkPrivateKey(key)) return 'the private key does not match the certificate';
  const caCert = new X509Certificate(ca.certPem);
  if (!cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) return 'it is not signed by the cluster CA';
  const notBefore = new Date(cert.validFrom).getTime();
  const notAfter = new Date(cert.validTo).getTime();
  if (now.getTime() < notBefore) return `it is not valid before ${new Date(notBefore).toISOString()}`;
  if (notAfter - now.getTime() < RENEW_WITHIN_DAYS * DAY_MS) return `it expires on ${new Date(notAfter).toISOString()}`;
  const mismatch = profileMismatch(cert, profile);
  if (mismatch !== undefined) return mismatch;
  return undefined;
}

/** Detects certificates issued under an older profile (e.g. a name added since). */
function profileMismatch(cert: X509Certificate, profile: LeafProfile): string | undefined {
  const subject = new Set(cert.subject.split('\n'));
  const wanted = [`CN=${profile.commonName}`, ...(profile.organizations ?? []).map((o) => `O=${o}`)];
  if (wanted.some((entry) => !subject.has(entry)) || subject.size !== wanted.length) return `its subject ${cert.subject.replaceAll('\n', ', ')} is outdated`;
  const usages = new Set(cert.keyUsage ?? []);
  if (profile.usages.some((usage) => !usages.has(EXTENDED_KEY_USAGE_OIDS[usage]))) return 'its extended key usages are outdated';
  const missingName = (profile.dnsNames ?? []).find((name) => cert.checkHost(name, { wildcards: false }) !== name)
    ?? (profile.ipAddresses ?? []).find((ip) => cert.checkIP(ip) === undefined);
  if (missingName !== undefined) return `it does not name ${missingName}`;
  return undefined;
}

async function ensureToken(dir: string, changes: PkiChange[]): Promise<string> {
  const path = join(dir, PKI_FILES.adminToken);
  const stored = (await readOptional(path))?.trim();
  if (stored !== undefined && /^[A-Za-z0-9_-]{43}$/.test(stored)) return stored;
  const token = randomBytes(32).toString('base64url');
  await writeFileAtomic(path, `${token}\n`);
  changes.push(stored === undefined ? { item: 'token', action: 'created' } : { item: 'token', action: 'renewed', reason: `${path} does not hold a valid token` });
  return token;
}

function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function parsePrivateKey(pem: string): ReturnType<typeof createPrivateKey> | undefined {
  try {
    return createPrivateKey(pem);
  } catch {
    return undefined;
  }
}

/** Reads a derived credential; anything unreadable counts as absent and is re-issued. */
async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads a CA file: only "does not exist" counts as absent; other failures are errors. */
async function readCaFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SkiffError('SKF_PKI_CA_INVALID', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
