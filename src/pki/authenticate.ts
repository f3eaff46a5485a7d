/**
 * Per-request authentication for the API server, as kube-apiserver does it: a client
 * certificate that chains to the cluster CA (user = CN, groups = O), or the admin bearer
 * token. TLS only *requests* client certificates (see ClusterPki.tlsServerOptions), so a
 * request without one still reaches here and may present the token instead.
 */
import { X509Certificate, createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ADMIN_GROUPS, ADMIN_USER, type ClusterPki } from './cluster-pki.ts';

export interface AuthenticatedUser {
  user: string;
  groups: readonly string[];
}

/** The parts of a request authentication reads (IncomingMessage and Http2ServerRequest fit). */
export interface AuthenticationRequest {
  headers: IncomingHttpHeaders;
  socket: unknown;
}

/** Every authenticated user is in this group, as in Kubernetes. */
export const AUTHENTICATED_GROUP = 'system:authenticated';

/** Returns who sent the request, or undefined when it carries no valid credential (→ 401). */
export function authenticate(req: AuthenticationRequest, pki: Pick<ClusterPki, 'adminToken' | 'caPem'>): AuthenticatedUser | undefined {
  return fromClientCertificate(req.socket, pki.caPem) ?? fromBearerToken(req.headers.authorization, pki.adminToken);
}

/** What a connection's client certificate proved, for the cluster CA it was checked against. */
interface PeerVerdict {
  caPem: string;
  user: AuthenticatedUser | undefined;
  validFromMs: number;
  validToMs: number;
}

/**
 * A TLS connection's peer certificate cannot change, so it is parsed and its signature
 * checked once per connection (both cost more than the rest of a request's authentication);
 * only its validity is checked per request, against the clock, as kube-apiserver verifies
 * every request's chain at the current time (a certificate that expires while its connection
 * stays open stops authenticating).
 */
const verdicts = new WeakMap<object, PeerVerdict>();

function fromClientCertificate(socket: unknown, caPem: string): AuthenticatedUser | undefined {
  const tls = socket as Partial<TLSSocket> | null;
  // `authorized` is node's verdict on the presented chain against the server's `ca` option.
  if (tls?.authorized !== true || typeof tls.getPeerCertificate !== 'function') return undefined;
  let verdict = verdicts.get(tls);
  if (verdict?.caPem !== caPem) {
    verdict = verifyPeer(tls as TLSSocket, caPem);
    if (verdict === undefined) return undefined;
    verdicts.set(tls, verdict);
  }
  const now = Date.now();
  if (now < verdict.validFromMs || now > verdict.validToMs) return undefined;
  return verdict.user;
}

function verifyPeer(tls: TLSSocket, caPem: string): PeerVerdict | undefined {
  const peer = tls.getPeerCertificate();
  if (peer.raw === undefined) return undefined;
  // The server may trust more CAs than the cluster CA (a caller's choice of `ca`); only
  // certificates the cluster CA signed identify cluster users.
  const cert = new X509Certificate(peer.raw);
  const ca = parsedCa(caPem);
  const name = firstValue(peer.subject.CN);
  const signed = cert.checkIssued(ca) && cert.verify(ca.publicKey);
  // Shared by every request of the connection: frozen, so no caller can change another's identity.
  const user = signed && name !== undefined && name !== '' ? Object.freeze({ user: name, groups: Object.freeze([...allValues(peer.subject.O), AUTHENTICATED_GROUP]) }) : undefined;
  return { caPem, user, validFromMs: Date.parse(cert.validFrom), validToMs: Date.parse(cert.validTo) };
}

function fromBearerToken(header: string | undefined, adminToken: string): AuthenticatedUser | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) return undefined;
  if (!constantTimeEqual(match[1]!, adminToken)) return undefined;
  return { user: ADMIN_USER, groups: [...ADMIN_GROUPS, AUTHENTICATED_GROUP] };
}

/** Compares digests so neither the content nor the length of the token leaks through timing. */
function constantTimeEqual(presented: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function allValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value];
}

/** Parsing the CA on every request would cost more than the rest of authentication. */
let cachedCa: { pem: string; cert: X509Certificate } | undefined;
function parsedCa(pem: string): X509Certificate {
  if (cachedCa?.pem !== pem) cachedCa = { pem, cert: new X509Certificate(pem) };
  return cachedCa.cert;
}
