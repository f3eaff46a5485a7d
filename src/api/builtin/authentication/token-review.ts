/**
 * authentication.k8s.io/v1 TokenReview ("is this bearer token valid, and whose is it?") and
 * SelfSubjectReview ("who am I?", `kubectl auth whoami`). Create-only and never stored;
 * src/apiserver/reviews/ answers them.
 * Schema from k8s.io/api v0.32 authentication/v1 types.go.
 */
import type { KindDefinition } from '../../kind.ts';
import type { JSONSchemaProps } from '../../schema-types.ts';
import { extraMap, reviewKind, stringArray } from '../util/review-kind.ts';

const USER_INFO = (description: string): JSONSchemaProps => ({
  type: 'object',
  description,
  properties: {
    username: { type: 'string', description: 'The name that uniquely identifies this user among all active users.' },
    uid: { type: 'string', description: 'A unique value that identifies this user across time. If this user is deleted and another user by the same name is added, they will have different UIDs.' },
    groups: { ...stringArray('The names of groups this user is a part of.'), 'x-kubernetes-list-type': 'atomic' },
    extra: extraMap('Any additional information provided by the authenticator.'),
  },
});

export function tokenReviewKind(): KindDefinition {
  return reviewKind({
    group: 'authentication.k8s.io', kind: 'TokenReview', plural: 'tokenreviews', scope: 'Cluster',
    description: 'TokenReview attempts to authenticate a token to a known user. Note: TokenReview requests may be cached by the webhook token authenticator plugin in the kube-apiserver.',
    spec: {
      type: 'object',
      description: 'Spec holds information about the request being evaluated',
      properties: {
        token: { type: 'string', description: 'Token is the opaque bearer token.' },
        audiences: { ...stringArray('Audiences is a list of the identifiers that the resource server presented with the token identifies as. Audience-aware token authenticators will verify that the token was intended for at least one of the audiences in this list. If no audiences are provided, the audience will default to the audience of the Kubernetes apiserver.'), 'x-kubernetes-list-type': 'atomic' },
      },
    },
    status: {
      type: 'object',
      description: 'Status is filled in by the server and indicates whether the request can be authenticated.',
      properties: {
        authenticated: { type: 'boolean', description: 'Authenticated indicates that the token was associated with a known user.' },
        user: { ...USER_INFO('User is the UserInfo associated with the provided token.'), default: {} },
        audiences: { ...stringArray('Audiences are audience identifiers chosen by the authenticator that are compatible with both the TokenReview and token. An identifier is any identifier in the intersection of the TokenReviewSpec audiences and the token\'s audiences. A client of the TokenReview API that sets the spec.audiences field should validate that a compatible audience identifier is returned in the status.audiences field to ensure that the TokenReview server is audience aware. If a TokenReview returns an empty status.audience field where status.authenticated is "true", the token is valid against the audience of the Kubernetes API server.'), 'x-kubernetes-list-type': 'atomic' },
        error: { type: 'string', description: "Error indicates that the token couldn't be checked" },
      },
    },
  });
}

export function selfSubjectReviewKind(): KindDefinition {
  return reviewKind({
    group: 'authentication.k8s.io', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', scope: 'Cluster',
    description: 'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request. When using impersonation, users will receive the user info of the user being impersonated.  If impersonation or request header authentication is used, any extra keys will have their case ignored and returned as lowercase.',
    status: {
      type: 'object',
      description: 'Status is filled in by the server with the user attributes.',
      properties: { userInfo: { ...USER_INFO('User attributes of the user making this request.'), default: {} } },
    },
  });
}
