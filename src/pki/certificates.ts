/**
 * Certificate issuance for skiff's PKIs: ECDSA P-256 keys (cheap handshakes, accepted by Go's
 * TLS stack and OpenSSL alike), SHA-256 signatures, PEM in and out. Generation uses
 * @peculiar/x509 over node's WebCrypto; inspection elsewhere uses node's own X509Certificate.
 */
import { createPrivateKey, webcrypto } from 'node:crypto';
// Must precede @peculiar/x509: its DI container needs Reflect metadata at load time.
import './reflect-metadata.ts';
import * as x509 from '@peculiar/x509';

const crypto = webcrypto;
type CryptoKey = webcrypto.CryptoKey;
const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A certificate and its private key, both PEM (the key is unencrypted PKCS#8). */
export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export interface CertificateAuthorityRequest extends Validity {
  commonName: string;
  /** Subject O= values (a mesh CA carries its trust domain here, as istiod's does). */
  organizations?: readonly string[];
}

export interface LeafRequest extends Validity {
  /**
   * Absent for an identity carried only by the SAN (SPIFFE workload certificates): the
   * subject is then empty and the SAN extension critical (RFC 5280 §4.2.1.6).
   */
  commonName?: string;
  /** Subject O= values; Kubernetes reads them as the user's groups. */
  organizations?: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  uris?: readonly string[];
  /** Extended key usages: serverAuth, clientAuth or both. */
  usages: readonly ('serverAuth' | 'clientAuth')[];
}

/** Creates a self-signed CA that may sign certificates and CRLs. */
export async function createCertificateAuthority(request: CertificateAuthorityRequest): Promise<CertificateAndKey> {
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: subjectOf(request.commonName, request.organizations),
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    ],
  }, crypto);
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) };
}

/**
 * Issues a subordinate CA (an intermediate) with a fresh key pair, signed by `issuer`; it may
 * sign end-entity certificates only (path length 0).
 */
export async function issueCertificateAuthority(issuer: CertificateAndKey, request: CertificateAuthorityRequest): Promise<CertificateAndKey> {
  const issuerCert = new x509.X509Certificate(issuer.certPem);
  const signer = await importSigningKey(issuer.keyPem);
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: subjectOf(request.commonName, request.organizations),
    issuer: issuerCert.subjectName,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      await authorityKeyIdentifier(issuerCert),
    ],
  }, crypto);
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) };
}

/** Issues an end-entity certificate with a fresh key pair, signed by `issuer`. */
export async function issueCertificate(issuer: CertificateAndKey, request: LeafRequest): Promise<CertificateAndKey> {
  const issuerCert = new x509.X509Certificate(issuer.certPem);
  const signer = await importSigningKey(issuer.keyPem);
  const keys = await generateKeyPair();
  const subject = subjectOf(request.commonName, request.organizations);
  const names: x509.JsonGeneralName[] = [
    ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(request.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(request.usages.map((usage) => x509.ExtendedKeyUsage[usage]), false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    await authorityKeyIdentifier(issuerCert),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, request.commonName === undefined));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject,
    issuer: issuerCert.subjectName,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions,
  }, crypto);
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) };
}

function subjectOf(commonName: string | undefined, organizations: readonly string[] | undefined): x509.JsonName {
  const subject: x509.JsonName = commonName !== undefined ? [{ CN: [commonName] }] : [];
  if (organizations !== undefined && organizations.length > 0) subject.push({ O: [...organizations] });
  return subject;
}

async function authorityKeyIdentifier(issuerCert: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = issuerCert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski !== null) return new x509.AuthorityKeyIdentifierExtension(ski.keyId, false);
  return x509.AuthorityKeyIdentifierExtension.create(issuerCert.publicKey, false, crypto);
}

async function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

async function exportPrivateKey(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return `${x509.PemConverter.encode(der, 'PRIVATE KEY')}\n`;
}

/**
 * An issuer's key for signing: PKCS#8, SEC1 ("EC PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY")
 * PEM, ECDSA (P-256, P-384) or RSA — a plugged-in CA (Istio's sample CAs are RSA) signs
 * with its own algorithm. Node normalises every form to PKCS#8 DER.
 */
async function importSigningKey(pem: string): Promise<{ key: CryptoKey; algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcdsaParams }> {
  const key = createPrivateKey(pem);
  const der = key.export({ format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType === 'rsa') {
    const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { key: await crypto.subtle.importKey('pkcs8', der, rsa, false, ['sign']), algorithm: rsa };
  }
  const p384 = key.asymmetricKeyDetails?.namedCurve === 'secp384r1';
  const ec = { name: 'ECDSA', namedCurve: p384 ? 'P-384' : 'P-256' };
  return { key: await crypto.subtle.importKey('pkcs8', der, ec, false, ['sign']), algorithm: { name: 'ECDSA', hash: p384 ? 'SHA-384' : 'SHA-256' } };
}

/**
 * 128 random bits, first byte 0x01–0x7f: positive and minimally encoded, as RFC 5280 and
 * Go's parser require.
 */
function randomSerialNumber(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! % 0x7f) + 1;
  return Buffer.from(bytes).toString('hex');
}
