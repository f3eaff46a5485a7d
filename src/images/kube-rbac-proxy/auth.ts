/**
 * Who is calling and may they: upstream's delegating authenticator (a client certificate
 * signed by --client-ca-file, else the bearer token through a TokenReview) and its SAR
 * authorizer, each with k8s.io/apiserver's caches — token answers for 2 minutes (good and
 * bad alike), "allowed" for 5 minutes and anything else for 30 seconds. Failed calls are
 * not cached. Concurrent questions with the same key share one call.
 */
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { KubeClient } from './kube-client.ts';
import {
  bearerToken, readSubjectAccessReview, readTokenReview, subjectAccessReviewRequest, tokenReviewRequest,
  type Decision, type RequestAttributes, type TokenReviewOutcome, type UserInfo,
} from './reviews.ts';

export const TOKEN_CACHE_TTL_MS = 2 * 60_000;
export const ALLOW_CACHE_TTL_MS = 5 * 60_000;
export const DENY_CACHE_TTL_MS = 30_000;
const MAX_CACHE_ENTRIES = 4096;
const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

/** A TTL cache whose misses are filled by one shared call; rejected calls leave no entry. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expires: number }>();
  constructor(private readonly ttlOf: (value: V) => number, private readonly now: () => number = Date.now) {}

  get(key: string, fill: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    if (this.entries.size >= MAX_CACHE_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const value = fill();
    // While the call runs the entry never expires; once answered it lives for its TTL.
    const entry = { value, expires: Infinity };
    this.entries.set(key, entry);
    value.then((v) => { entry.expires = this.now() + this.ttlOf(v); }, () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }
}

export type Authentication = { user: UserInfo; via: 'x509' | 'token' };

export class DelegatingAuthenticator {
  private readonly tokens: TtlCache<TokenReviewOutcome>;
  constructor(private readonly client: KubeClient, private readonly audiences: readonly string[], now?: () => number) {
    this.tokens = new TtlCache(() => TOKEN_CACHE_TTL_MS, now);
  }

  /** The caller, or undefined (401). Rejects when the API server could not be asked (also 401, logged). */
  async authenticate(req: IncomingMessage, clientCAConfigured: boolean): Promise<Authentication | undefined> {
    if (clientCAConfigured) {
      const user = certificateUser(req.socket as TLSSocket);
      if (user) return { user, via: 'x509' };
    }
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) return undefined;
    const outcome = await this.tokens.get(`${this.audiences.join(',')}/${token}`, async () =>
      readTokenReview(await this.client.create('/apis/authentication.k8s.io/v1/tokenreviews', tokenReviewRequest(token, this.audiences)), this.audiences));
    if (!outcome.authenticated) {
      if (outcome.error) throw new Error(outcome.error);
      return undefined;
    }
    return { user: outcome.user, via: 'token' };
  }
}

/** The user of a verified client certificate: CommonName, Organizations as groups (x509 request authenticator). */
function certificateUser(socket: TLSSocket): UserInfo | undefined {
  if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return undefined;
  const eku = (cert as { ext_key_usage?: string[] }).ext_key_usage;
  if (eku && eku.length > 0 && !eku.includes(CLIENT_AUTH_OID)) return undefined;
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
  const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const name = asList(subject.CN)[0];
  if (!name) return undefined;
  return { name, uid: '', groups: asList(subject.O), extra: {} };
}

export class SarAuthorizer {
  private readonly decisions: TtlCache<{ decision: Decision; reason: string }>;
  constructor(private readonly client: KubeClient, now?: () => number) {
    this.decisions = new TtlCache((d) => (d.decision === 'allow' ? ALLOW_CACHE_TTL_MS : DENY_CACHE_TTL_MS), now);
  }

  authorize(user: UserInfo, attrs: RequestAttributes): Promise<{ decision: Decision; reason: string }> {
    const review = subjectAccessReviewRequest(user, attrs);
    return this.decisions.get(JSON.stringify(review), async () =>
      readSubjectAccessReview(await this.client.create('/apis/authorization.k8s.io/v1/subjectaccessreviews', review)));
  }
}
