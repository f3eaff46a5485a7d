/**
 * Istio's inbound `x-forwarded-client-cert` (Envoy's XFCC with forward_client_cert_details
 * APPEND_FORWARD and set_current_client_cert_details {subject, uri, dns}): on an mTLS
 * connection the proxy appends one element describing the client certificate —
 * `By=<own SPIFFE ID>;Hash=<sha256 of the client leaf's DER, hex>;Subject="<subject>";URI=<client SPIFFE ID>`
 * (plus `DNS=` entries) — to whatever the request carried; a plaintext request's header is
 * forwarded as it came.
 */
import { createHash } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';

export interface ClientCertDetails {
  /** The leaf certificate's DER bytes. */
  raw: Buffer;
  /** The subject as Envoy prints it (RFC 2253-ish `CN=x,O=y`); empty for SPIFFE workload certificates. */
  subject: string;
  uris: string[];
  dnsNames: string[];
}

/** Values containing `,;="` are quoted, as Envoy does. */
function quoteIfNeeded(value: string): string {
  return /[,;="]/.test(value) ? `"${value.replace(/"/g, '\\"')}"` : value;
}

export function xfccElement(by: string | undefined, cert: ClientCertDetails): string {
  const parts: string[] = [];
  if (by) parts.push(`By=${quoteIfNeeded(by)}`);
  parts.push(`Hash=${createHash('sha256').update(cert.raw).digest('hex')}`);
  // Envoy always quotes the subject, even when it is empty.
  parts.push(`Subject="${cert.subject.replace(/"/g, '\\"')}"`);
  for (const uri of cert.uris) parts.push(`URI=${quoteIfNeeded(uri)}`);
  for (const dns of cert.dnsNames) parts.push(`DNS=${quoteIfNeeded(dns)}`);
  return parts.join(';');
}

/** APPEND_FORWARD: the new element goes after the elements earlier proxies wrote. */
export function appendXfcc(existing: string | undefined, element: string): string {
  return existing && existing.trim() !== '' ? `${existing},${element}` : element;
}

function subjectOf(subject: PeerCertificate['subject'] | undefined): string {
  if (!subject) return '';
  // Envoy prints the subject most-specific first (RFC 2253 order reverses the DN).
  return Object.entries(subject).reverse().map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(',');
}

/** What XFCC needs from Node's view of the verified peer certificate. */
export function clientCertDetails(peer: PeerCertificate): ClientCertDetails {
  const sans = (peer.subjectaltname ?? '').split(', ').filter((s) => s !== '');
  return {
    raw: peer.raw,
    subject: subjectOf(peer.subject),
    uris: sans.filter((s) => s.startsWith('URI:')).map((s) => s.slice(4)),
    dnsNames: sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)),
  };
}
