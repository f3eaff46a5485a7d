/**
 * Record fields a TLS connection tells once per connection: the SNI the client asked for,
 * and, when it presented a certificate the listener verified carrying a SPIFFE URI SAN, the
 * peer's mesh identity (Istio's `source_principal`, `connection_security_policy=mutual_tls`).
 */
import type { TLSSocket } from 'node:tls';
import { parseSpiffeId } from '../../mesh/pki/index.ts';
import type { RequestRecord } from '../request-record.ts';

export function tlsRecordFields(socket: TLSSocket): Partial<RequestRecord> {
  const fields: Partial<RequestRecord> = {};
  if (typeof socket.servername === 'string' && socket.servername) fields.requestedServerName = socket.servername;
  if (!socket.authorized) return fields;
  const principal = spiffeUriOf(socket.getPeerCertificate()?.subjectaltname);
  if (!principal) return fields;
  fields.connectionSecurityPolicy = 'mutual_tls';
  const id = parseSpiffeId(principal);
  fields.source = { principal, ...(id ? { namespace: id.namespace } : {}) };
  return fields;
}

/** The first `URI:spiffe://…` entry of a certificate's subjectaltname string. */
export function spiffeUriOf(subjectAltName: string | undefined): string | undefined {
  if (!subjectAltName) return undefined;
  for (const part of subjectAltName.split(', ')) {
    if (part.startsWith('URI:spiffe://')) return part.slice(4);
  }
  return undefined;
}
