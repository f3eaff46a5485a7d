/**
 * Gateway credentials from Secrets, as istiod's Kubernetes credential fetcher reads them
 * (pilot/pkg/credentials/kube/secrets.go): a `credentialName` Secret in the gateway
 * WORKLOAD's namespace holding `tls.crt`/`tls.key` (or the generic `cert`/`key`); for
 * MUTUAL the client CA from a `<name>-cacert` Secret, else from `ca.crt`/`cacert` in the
 * same Secret. Unlike Envoy (which silently serves no certificate), the certificate is
 * parsed and checked against its key here so that a bad Secret is a clear problem.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Secret } from './istio-specs.ts';

export const CA_SECRET_SUFFIX = '-cacert';

export interface ServerCredential {
  /** `namespace/name` of the Secret the certificate came from. */
  secret: string;
  /** The certificate chain, leaf first, and its private key (PEM). */
  certChainPem: string;
  privateKeyPem: string;
  /** Client CA bundle (PEM), for MUTUAL. */
  caPem?: string;
  /** `namespace/name` of the Secret the CA came from (may be the `-cacert` one). */
  caSecret?: string;
  /** Leaf facts for messages and SNI checks. */
  subject: string;
  dnsNames: string[];
  notAfter: string;
}

export type CredentialResult =
  | { ok: true; credential: ServerCredential; warnings: string[] }
  | { ok: false; code: 'credential-missing' | 'credential-malformed' | 'credential-mismatch'; message: string };

function decoded(secret: Secret, key: string): string | undefined {
  const raw = secret.data?.[key];
  if (raw !== undefined) return Buffer.from(raw, 'base64').toString('utf8');
  return secret.stringData?.[key];
}

function findSecret(secrets: readonly Secret[], namespace: string, name: string): Secret | undefined {
  return secrets.find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
}

function keysOf(secret: Secret): string[] {
  return [...new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})])].sort();
}

/** extractKeyAndCert: the generic pair first, then the kubernetes.io/tls pair. */
function certAndKey(secret: Secret): { cert: string; key: string } | undefined {
  for (const [c, k] of [['cert', 'key'], ['tls.crt', 'tls.key']] as const) {
    const cert = decoded(secret, c);
    const key = decoded(secret, k);
    if (cert !== undefined && key !== undefined && cert !== '' && key !== '') return { cert, key };
  }
  return undefined;
}

/** extractRoot: `cacert` or `ca.crt`. */
function caOf(secret: Secret): string | undefined {
  const ca = decoded(secret, 'cacert') ?? decoded(secret, 'ca.crt');
  return ca === undefined || ca === '' ? undefined : ca;
}

function parseLeaf(pem: string): X509Certificate | string {
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!first) return 'holds no PEM certificate';
  try {
    return new X509Certificate(first[0]);
  } catch (err) {
    return `holds a certificate that cannot be parsed (${(err as Error).message})`;
  }
}

function parseKey(pem: string): KeyObject | string {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    return `holds a private key that cannot be parsed (${(err as Error).message})`;
  }
}

function dnsNamesOf(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(',').map((s) => s.trim()).filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
}

/**
 * The server credential for `credentialName` in `namespace`; `needCa` for MUTUAL.
 * `now` (ms) decides the expiry warning.
 */
export function loadServerCredential(secrets: readonly Secret[], namespace: string, credentialName: string, needCa: boolean, now: number): CredentialResult {
  const ref = `${namespace}/${credentialName}`;
  const secret = findSecret(secrets, namespace, credentialName);
  if (!secret) {
    return { ok: false, code: 'credential-missing', message: `secret ${ref} not found: credentialName is looked up in the gateway workload's namespace (${namespace}); create it there (kubectl create secret tls ${credentialName} -n ${namespace} --cert=... --key=...)` };
  }
  const pair = certAndKey(secret);
  if (!pair) {
    return { ok: false, code: 'credential-malformed', message: `secret ${ref} has neither tls.crt and tls.key nor cert and key (found keys: ${keysOf(secret).join(', ') || 'none'})` };
  }
  const leaf = parseLeaf(pair.cert);
  if (typeof leaf === 'string') return { ok: false, code: 'credential-malformed', message: `secret ${ref} ${leaf}` };
  const key = parseKey(pair.key);
  if (typeof key === 'string') return { ok: false, code: 'credential-malformed', message: `secret ${ref} ${key}` };
  if (!leaf.checkPrivateKey(key)) {
    return { ok: false, code: 'credential-mismatch', message: `secret ${ref}: the private key does not match the certificate (${leaf.subject.replace(/\n/g, ', ')})` };
  }
  const credential: ServerCredential = {
    secret: ref, certChainPem: pair.cert, privateKeyPem: pair.key, subject: leaf.subject.replace(/\n/g, ', '), dnsNames: dnsNamesOf(leaf), notAfter: new Date(leaf.validTo).toISOString(),
  };
  const warnings: string[] = [];
  if (Date.parse(leaf.validTo) < now) warnings.push(`secret ${ref}: the certificate expired at ${credential.notAfter}`);
  else if (Date.parse(leaf.validFrom) > now) warnings.push(`secret ${ref}: the certificate is not valid before ${new Date(leaf.validFrom).toISOString()}`);
  if (needCa) {
    const caSecret = findSecret(secrets, namespace, `${credentialName}${CA_SECRET_SUFFIX}`);
    const caPem = caSecret ? caOf(caSecret) : caOf(secret);
    if (caPem === undefined) {
      return { ok: false, code: 'credential-malformed', message: `MUTUAL TLS needs a client CA: add ca.crt to secret ${ref} or create secret ${ref}${CA_SECRET_SUFFIX} with ca.crt` };
    }
    const ca = parseLeaf(caPem);
    if (typeof ca === 'string') return { ok: false, code: 'credential-malformed', message: `client CA of ${ref} ${ca}` };
    credential.caPem = caPem;
    credential.caSecret = caSecret ? `${ref}${CA_SECRET_SUFFIX}` : ref;
  }
  return { ok: true, credential, warnings };
}
