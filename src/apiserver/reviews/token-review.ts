/**
 * TokenReview, answered as kube-apiserver's tokenreview REST storage answers it
 * (pkg/registry/authentication/tokenreview/storage.go): the token is authenticated exactly
 * as a request carrying `Authorization: Bearer <token>` would be, and the posted review comes
 * back with `status` filled. A token that does not authenticate is an answer
 * (`authenticated` absent, `error` set), not an HTTP error.
 */
import type { KubeObject } from '../../api/object.ts';
import type { AuthenticatedUser } from '../../pki/authenticate.ts';
import { badRequest } from '../storage/api-errors.ts';

/** Authenticates a bearer token as the API server would (undefined: not a valid token). */
export type TokenAuthenticator = (token: string) => AuthenticatedUser | undefined;

/**
 * The API server's own audiences (kube-apiserver --api-audiences, which defaults to the
 * service account issuer; OpenShift's is this one). A review without spec.audiences is
 * checked against these, and they come back in status.audiences.
 */
export const API_AUDIENCES: readonly string[] = ['https://kubernetes.default.svc'];

/** The bearer token authenticator's error when no authenticator accepted the token. */
export const INVALID_BEARER_TOKEN = 'invalid bearer token';

export function reviewToken(review: KubeObject, authenticateToken: TokenAuthenticator, apiAudiences: readonly string[] = API_AUDIENCES): KubeObject {
  const spec = (review.spec ?? {}) as { token?: unknown; audiences?: unknown };
  const token = typeof spec.token === 'string' ? spec.token : '';
  if (token === '') throw badRequest('token is required for TokenReview in authentication');
  const requested = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === 'string') : [];
  const audiences = requested.length > 0 ? requested : [...apiAudiences];
  // skiff's tokens are audience-agnostic, as kube-apiserver's static tokens are
  // (authenticator.WrapAudienceAgnosticToken): they are valid for the API server's own
  // audiences, so a review naming only other audiences does not authenticate.
  const compatible = audiences.filter((a) => apiAudiences.includes(a));
  const user = compatible.length > 0 ? authenticateToken(token) : undefined;
  const status: Record<string, unknown> = user
    ? { authenticated: true, user: { username: user.user, groups: [...user.groups] }, audiences: compatible }
    // UserInfo is a struct without omitempty in TokenReviewStatus: Go always writes `user: {}`.
    : { user: {}, error: INVALID_BEARER_TOKEN };
  return {
    ...review,
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    // Nothing is stored: ObjectMeta keeps what was posted, and a zero creationTimestamp is null in Go's JSON.
    metadata: { ...review.metadata, creationTimestamp: null } as unknown as KubeObject['metadata'],
    spec: review.spec ?? {},
    status,
  };
}

/**
 * SelfSubjectReview (`kubectl auth whoami`): who the API server took the requester for
 * (pkg/registry/authentication/selfsubjectreview/rest.go). Upstream answers a fresh object,
 * stamped with the time of the answer, whatever was posted.
 */
export function reviewSelf(requester: AuthenticatedUser, now: Date = new Date()): KubeObject {
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: { creationTimestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    status: { userInfo: { username: requester.user, groups: [...requester.groups] } },
  };
}
