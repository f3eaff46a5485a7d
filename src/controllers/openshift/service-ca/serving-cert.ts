/**
 * Serving certificates for annotated Services, as pure decisions and builders: which
 * Secret a Service asks for, which DNS names its certificate carries, whether the Secret
 * there is fine, needs a new certificate, or belongs to someone else (a clash), and the
 * Secret and Service annotations that result. The rules follow service-ca-operator's
 * creating and updating controllers, folded into one decision per Service.
 */
import { X509Certificate } from 'node:crypto';
import type { KubeObject } from '../../../api/object.ts';
import { issueCertificate } from '../../../pki/certificates.ts';
import {
  ALPHA_EXPIRY, ALPHA_GENERATION_ERROR, ALPHA_GENERATION_ERROR_NUM, ALPHA_ORIGINATING_SERVICE_NAME, ALPHA_ORIGINATING_SERVICE_UID,
  ALPHA_SECRET_NAME, ALPHA_SIGNED_BY, DESCRIPTION, EXPIRY, GENERATION_ERROR, GENERATION_ERROR_NUM, MAX_FAILURES,
  ORIGINATING_SERVICE_NAME, ORIGINATING_SERVICE_UID, OWNING_COMPONENT, OWNING_COMPONENT_VALUE, SECRET_NAME, SIGNED_BY,
} from './annotations.ts';
import { TLS_SECRET_TYPE, decodeData, encodeData, rfc3339, type Secret } from './secret-data.ts';
import type { Signer } from './signer.ts';

/** Upstream issues for two years and renews when less than an hour is left. */
export const SERVING_CERT_LIFETIME_MS = 2 * 365 * 24 * 3600 * 1000;
export const MIN_TIME_LEFT_MS = 3600 * 1000;
export const DNS_SUFFIX = 'cluster.local';
/** library-go back-dates certificates a second, so one issued now is valid now everywhere. */
const BACKDATE_MS = 1000;

export type ServiceObject = KubeObject & { spec?: { clusterIP?: string } };

export type ServingCertAction =
  | { kind: 'none' }
  | { kind: 'create' }
  | { kind: 'reissue'; reason: string }
  /** The certificate is fine but the Secret carries extra keys or lacks ownership annotations. */
  | { kind: 'tidy' }
  | { kind: 'clash'; message: string };

/** The Secret a Service asks for (the beta annotation wins over the alpha one). */
export function servingSecretNameOf(service: KubeObject): string | undefined {
  const a = service.metadata.annotations ?? {};
  return a[SECRET_NAME] || a[ALPHA_SECRET_NAME] || undefined;
}

/** The names a Service's certificate must carry, sorted; headless Services add their pods' wildcard. */
export function certSubjectsFor(service: ServiceObject, dnsSuffix = DNS_SUFFIX): string[] {
  const host = `${service.metadata.name}.${service.metadata.namespace}.svc`;
  const names = [host, `${host}.${dnsSuffix}`];
  if (service.spec?.clusterIP === 'None') names.push(`*.${host}`, `*.${host}.${dnsSuffix}`);
  return names.sort();
}

export function failuresOf(service: KubeObject): number {
  const a = service.metadata.annotations ?? {};
  const n = Number.parseInt(a[GENERATION_ERROR_NUM] || a[ALPHA_GENERATION_ERROR_NUM] || '0', 10);
  return Number.isFinite(n) ? n : 0;
}

export function servingCertAction(service: ServiceObject, secret: Secret | undefined, signer: Signer, now: Date): ServingCertAction {
  if (!servingSecretNameOf(service)) return { kind: 'none' };
  const givenUp = failuresOf(service) >= MAX_FAILURES;
  if (!secret) return givenUp ? { kind: 'none' } : { kind: 'create' };
  const files = decodeData(secret.data);
  const certProblem = certificateProblem(service, files, signer);
  if (!madeFor(secret, service)) {
    // Someone else's Secret that happens to hold a good certificate is left alone, as upstream.
    if (!certProblem || givenUp) return { kind: 'none' };
    return { kind: 'clash', message: `secret ${secret.metadata.namespace}/${secret.metadata.name} does not have corresponding service UID ${service.metadata.uid}` };
  }
  if (certProblem) return { kind: 'reissue', reason: certProblem };
  if (!hasOwnerRef(secret, service)) return { kind: 'reissue', reason: 'no owner reference to the Service' };
  const expiry = expiryOf(secret);
  if (!expiry) return { kind: 'reissue', reason: 'no expiry annotation' };
  if (now.getTime() + MIN_TIME_LEFT_MS > expiry.getTime()) return { kind: 'reissue', reason: `expires at ${rfc3339(expiry)}` };
  const a = secret.metadata.annotations ?? {};
  if (Object.keys(files).length !== 2 || !a[OWNING_COMPONENT] || !a[DESCRIPTION]) return { kind: 'tidy' };
  return { kind: 'none' };
}

/** When a Secret's certificate is due for renewal, from its expiry annotation. */
export function renewalDueAt(secret: Secret): Date | undefined {
  const expiry = expiryOf(secret);
  return expiry && new Date(expiry.getTime() - MIN_TIME_LEFT_MS);
}

/** Why a Secret's certificate will not do for the Service (upstream regenerates then), or undefined. */
function certificateProblem(service: ServiceObject, files: Record<string, string>, signer: Signer): string | undefined {
  if (!files['tls.crt'] || !files['tls.key']) return 'tls.crt or tls.key missing';
  let cert: X509Certificate;
  try {
    // The first block is the serving certificate (the signer follows it).
    cert = new X509Certificate(firstCertificate(files['tls.crt']));
  } catch {
    return 'tls.crt is not a certificate';
  }
  if (!cert.checkIssued(signer.cert) || !cert.verify(signer.cert.publicKey)) return 'not issued by the current signer';
  const want = certSubjectsFor(service).join(',');
  if (dnsNamesOf(cert).sort().join(',') !== want) return 'DNS names do not match the Service';
  return undefined;
}

function firstCertificate(bundle: string): string {
  return /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(bundle)?.[0] ?? '';
}

/** The DNS SANs of a certificate (node prints them as `DNS:a, DNS:b`). */
export function dnsNamesOf(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(', ').filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4));
}

/** Whether a Secret was made for this Service (its originating-service UID). */
export function madeFor(secret: Secret, service: KubeObject): boolean {
  const a = secret.metadata.annotations ?? {};
  const uid = service.metadata.uid ?? '';
  return a[ORIGINATING_SERVICE_UID] === uid || a[ALPHA_ORIGINATING_SERVICE_UID] === uid;
}

function hasOwnerRef(secret: Secret, service: KubeObject): boolean {
  return (secret.metadata.ownerReferences ?? []).some((r) => r.kind === 'Service' && r.uid === service.metadata.uid);
}

function expiryOf(secret: Secret): Date | undefined {
  const a = secret.metadata.annotations ?? {};
  const text = a[EXPIRY] || a[ALPHA_EXPIRY];
  const when = text ? new Date(text) : undefined;
  return when && !Number.isNaN(when.getTime()) ? when : undefined;
}

export interface IssuedServingCert {
  /** The serving certificate followed by the signer (upstream keeps the signer in the chain for old clients). */
  chainPem: string;
  keyPem: string;
  notAfter: Date;
}

export async function issueServingCert(service: ServiceObject, signer: Signer, now: Date): Promise<IssuedServingCert> {
  const dnsNames = certSubjectsFor(service);
  // X.509 times have whole seconds; never outlive the signer.
  const notAfter = new Date(Math.floor(Math.min(now.getTime() + SERVING_CERT_LIFETIME_MS, new Date(signer.cert.validTo).getTime()) / 1000) * 1000);
  const leaf = await issueCertificate(signer.ca, {
    commonName: dnsNames[0]!,
    dnsNames,
    usages: ['serverAuth'],
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter,
  });
  return { chainPem: withNewline(leaf.certPem) + withNewline(signer.ca.certPem), keyPem: leaf.keyPem, notAfter };
}

/** PEM blocks end in a newline, or concatenated blocks stop parsing. */
function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

/**
 * The Secret holding `issued` for the Service: `existing` keeps its labels and other
 * annotations; the data is exactly tls.crt and tls.key.
 */
export function servingSecretFor(service: ServiceObject, issued: IssuedServingCert, existing?: Secret): Secret {
  const name = servingSecretNameOf(service)!;
  const beta = Boolean(service.metadata.annotations?.[SECRET_NAME]);
  const ownerRef = { apiVersion: 'v1', kind: 'Service', name: service.metadata.name!, uid: service.metadata.uid! };
  const others = (existing?.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerRef.uid);
  const annotations: Record<string, string> = {
    ...existing?.metadata.annotations,
    [beta ? ORIGINATING_SERVICE_NAME : ALPHA_ORIGINATING_SERVICE_NAME]: service.metadata.name!,
    [beta ? ORIGINATING_SERVICE_UID : ALPHA_ORIGINATING_SERVICE_UID]: service.metadata.uid!,
    [EXPIRY]: rfc3339(issued.notAfter),
    [ALPHA_EXPIRY]: rfc3339(issued.notAfter),
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { ...existing?.metadata, name, namespace: service.metadata.namespace!, annotations: withOwnership(annotations, service, name), ownerReferences: [...others, ownerRef] },
    type: TLS_SECRET_TYPE,
    data: encodeData({ 'tls.crt': issued.chainPem, 'tls.key': issued.keyPem }),
  };
}

/** The Secret with only tls.crt and tls.key and the ownership annotations (no new certificate). */
export function tidiedSecret(secret: Secret, service: ServiceObject): Secret {
  const data = secret.data ?? {};
  return {
    ...secret,
    metadata: { ...secret.metadata, annotations: withOwnership({ ...secret.metadata.annotations }, service, secret.metadata.name!) },
    data: { 'tls.crt': data['tls.crt']!, 'tls.key': data['tls.key']! },
  };
}

function withOwnership(annotations: Record<string, string>, service: KubeObject, secretName: string): Record<string, string> {
  const out = { ...annotations };
  out[OWNING_COMPONENT] ||= OWNING_COMPONENT_VALUE;
  const { name, namespace } = service.metadata;
  out[DESCRIPTION] ||= `Secret contains a pair signed serving certificate/key that is generated by Service CA operator for service/${name} with hostname ${name}.${namespace}.svc `
    + `and is annotated to the service with annotating a service resource with 'service.beta.openshift.io/serving-cert-secret-name: ${secretName}'. The certificate is valid for 2 years.`;
  return out;
}

/** The Service's annotations after a successful issuance: signed-by set, errors cleared. */
export function signedAnnotations(service: KubeObject, signer: Signer): Record<string, string> {
  const out: Record<string, string> = { ...service.metadata.annotations, [SIGNED_BY]: signer.commonName, [ALPHA_SIGNED_BY]: signer.commonName };
  for (const key of [GENERATION_ERROR, ALPHA_GENERATION_ERROR, GENERATION_ERROR_NUM, ALPHA_GENERATION_ERROR_NUM]) delete out[key];
  return out;
}

/** The Service's annotations after a failed issuance: the error and one more failure. */
export function failedAnnotations(service: KubeObject, message: string): Record<string, string> {
  const count = String(failuresOf(service) + 1);
  return { ...service.metadata.annotations, [GENERATION_ERROR]: message, [ALPHA_GENERATION_ERROR]: message, [GENERATION_ERROR_NUM]: count, [ALPHA_GENERATION_ERROR_NUM]: count };
}

/** Whether two annotation maps differ (so an unchanged Service is not written). */
export function annotationsDiffer(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const left = a ?? {};
  const keys = new Set([...Object.keys(left), ...Object.keys(b)]);
  for (const k of keys) if (left[k] !== b[k]) return true;
  return false;
}
