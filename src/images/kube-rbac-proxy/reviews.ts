/**
 * The two questions kube-rbac-proxy asks the API server, as pure request builders and
 * answer readers: who is this bearer token (a TokenReview, read as k8s.io/apiserver's
 * webhook token authenticator reads it) and may that user do this (a SubjectAccessReview
 * with non-resource attributes, read as its webhook authorizer reads it). The attributes
 * and the 403 message are upstream's (pkg/proxy, pkg/filters).
 */

export interface UserInfo {
  name: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export type TokenReviewOutcome =
  | { authenticated: true; user: UserInfo }
  /** Not authenticated; `error` is status.error (logged, never shown to the caller). */
  | { authenticated: false; error?: string };

export function tokenReviewRequest(token: string, audiences: readonly string[]): object {
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token, ...(audiences.length > 0 ? { audiences: [...audiences] } : {}) },
  };
}

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  audiences?: string[];
  error?: string;
}

export function readTokenReview(review: unknown, wantedAudiences: readonly string[]): TokenReviewOutcome {
  const status = ((review ?? {}) as { status?: TokenReviewStatus }).status ?? {};
  if (status.authenticated !== true) return { authenticated: false, ...(status.error ? { error: status.error } : {}) };
  // With audiences asked for, the token must be good for one of them (upstream's webhook
  // authenticator intersects the wanted audiences with status.audiences).
  if (wantedAudiences.length > 0 && !(status.audiences ?? []).some((a) => wantedAudiences.includes(a))) return { authenticated: false };
  const u = status.user ?? {};
  return { authenticated: true, user: { name: u.username ?? '', uid: u.uid ?? '', groups: u.groups ?? [], extra: u.extra ?? {} } };
}

/** The authorization attributes of a request to the proxy (upstream's default, no config file). */
export interface RequestAttributes {
  verb: string;
  path: string;
  /** Always empty for non-resource requests; kept for the 403 message's shape. */
  resource: string;
  subresource: string;
}

const VERBS: Record<string, string> = { POST: 'create', GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** An HTTP method's API verb; every other method (HEAD, OPTIONS, …) is `*`, as upstream. */
export const verbOfMethod = (method: string): string => VERBS[method] ?? '*';

export function requestAttributes(method: string, path: string): RequestAttributes {
  return { verb: verbOfMethod(method), path, resource: '', subresource: '' };
}

export function subjectAccessReviewRequest(user: UserInfo, attrs: RequestAttributes): object {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: user.name,
      ...(user.uid ? { uid: user.uid } : {}),
      ...(user.groups.length > 0 ? { groups: user.groups } : {}),
      ...(Object.keys(user.extra).length > 0 ? { extra: user.extra } : {}),
      nonResourceAttributes: { path: attrs.path, verb: attrs.verb },
    },
  };
}

export type Decision = 'allow' | 'deny' | 'no-opinion';

export function readSubjectAccessReview(review: unknown): { decision: Decision; reason: string } {
  const status = ((review ?? {}) as { status?: { allowed?: boolean; denied?: boolean; reason?: string } }).status ?? {};
  const decision: Decision = status.allowed === true ? 'allow' : status.denied === true ? 'deny' : 'no-opinion';
  return { decision, reason: status.reason ?? '' };
}

/** The 403 body upstream writes (pkg/filters WithAuthorization). */
export function forbiddenMessage(user: UserInfo, attrs: RequestAttributes): string {
  return `Forbidden (user=${user.name}, verb=${attrs.verb}, resource=${attrs.resource}, subresource=${attrs.subresource})`;
}

/** The 500 body when the SubjectAccessReview itself failed. */
export function authorizationErrorMessage(user: UserInfo, attrs: RequestAttributes): string {
  return `Authorization error (user=${user.name}, verb=${attrs.verb}, resource=${attrs.resource}, subresource=${attrs.subresource})`;
}

/**
 * The bearer token of an Authorization header, as k8s.io/apiserver's bearertoken
 * authenticator reads it: scheme `Bearer` in any case, one space-separated token, non-empty.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const parts = authorization.trim().split(' ');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return undefined;
  const token = parts[1]!;
  return token.length > 0 ? token : undefined;
}
