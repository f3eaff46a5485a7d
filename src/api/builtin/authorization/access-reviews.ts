/**
 * authorization.k8s.io/v1 SubjectAccessReview, SelfSubjectAccessReview,
 * LocalSubjectAccessReview and SelfSubjectRulesReview: "may this user do that?" (what
 * `kubectl auth can-i` and kube-rbac-proxy ask). Create-only and never stored;
 * src/apiserver/reviews/access-review.ts answers them. Schemas from k8s.io/api v0.32
 * authorization/v1 types.go.
 */
import type { KindDefinition } from '../../kind.ts';
import type { JSONSchemaProps } from '../../schema-types.ts';
import { extraMap, reviewKind, stringArray } from '../util/review-kind.ts';

const str = (description: string): JSONSchemaProps => ({ type: 'string', description });
const atomic = (s: JSONSchemaProps): JSONSchemaProps => ({ ...s, 'x-kubernetes-list-type': 'atomic' });

function selectorAttributes(what: 'field' | 'label'): JSONSchemaProps {
  return {
    type: 'object',
    description: `${what === 'field' ? 'FieldSelectorAttributes' : 'LabelSelectorAttributes'} indicates a ${what} limited access.`,
    properties: {
      rawSelector: str(`rawSelector is the serialization of a ${what} selector that would be included in a query parameter.`),
      requirements: atomic({
        type: 'array',
        description: `requirements is the parsed interpretation of a ${what} selector.`,
        items: {
          type: 'object',
          required: ['key', 'operator'],
          properties: { key: str('key is the selector key that the requirement applies to.'), operator: str("operator represents a key's relationship to a set of values."), values: atomic(stringArray('values is an array of string values.')) },
        },
      }),
    },
  };
}

const RESOURCE_ATTRIBUTES: JSONSchemaProps = {
  type: 'object',
  description: 'ResourceAuthorizationAttributes describes information for a resource access request',
  properties: {
    namespace: str('Namespace is the namespace of the action being requested.  Currently, there is no distinction between no namespace and all namespaces "" (empty) is defaulted for LocalSubjectAccessReviews "" (empty) is empty for cluster-scoped resources "" (empty) means "all" for namespace scoped resources from a SubjectAccessReview or SelfSubjectAccessReview'),
    verb: str('Verb is a kubernetes resource API verb, like: get, list, watch, create, update, delete, proxy.  "*" means all.'),
    group: str('Group is the API Group of the Resource.  "*" means all.'),
    version: str('Version is the API Version of the Resource.  "*" means all.'),
    resource: str('Resource is one of the existing resource types.  "*" means all.'),
    subresource: str('Subresource is one of the existing resource types.  "" means none.'),
    name: str('Name is the name of the resource being requested for a "get" or deleted for a "delete". "" (empty) means all.'),
    fieldSelector: selectorAttributes('field'),
    labelSelector: selectorAttributes('label'),
  },
};

const NON_RESOURCE_ATTRIBUTES: JSONSchemaProps = {
  type: 'object',
  description: 'NonResourceAttributes includes the authorization attributes available for non-resource requests to the Authorizer interface',
  properties: { path: str('Path is the URL path of the request'), verb: str('Verb is the standard HTTP verb') },
};

const ATTRIBUTES = {
  resourceAttributes: { ...RESOURCE_ATTRIBUTES, description: 'ResourceAuthorizationAttributes describes information for a resource access request' },
  nonResourceAttributes: { ...NON_RESOURCE_ATTRIBUTES, description: 'NonResourceAttributes describes information for a non-resource access request' },
};

const SUBJECT_SPEC: JSONSchemaProps = {
  type: 'object',
  description: 'Spec holds information about the request being evaluated',
  properties: {
    ...ATTRIBUTES,
    user: str('User is the user you\'re testing for. If you specify "User" but not "Groups", then is it interpreted as "What if User were not a member of any groups'),
    groups: atomic(stringArray("Groups is the groups you're testing for.")),
    extra: extraMap('Extra corresponds to the user.Info.GetExtra() method from the authenticator.  Since that is input to the authorizer it needs a reflection here.'),
    uid: str('UID information about the requesting user.'),
  },
};

const ACCESS_STATUS: JSONSchemaProps = {
  type: 'object',
  description: 'Status is filled in by the server and indicates whether the request is allowed or not',
  required: ['allowed'],
  properties: {
    allowed: { type: 'boolean', description: 'Allowed is required. True if the action would be allowed, false otherwise.' },
    denied: { type: 'boolean', description: 'Denied is optional. True if the action would be denied, otherwise false. If both allowed is false and denied is false, then the authorizer has no opinion on whether to authorize the action. Denied may not be true if Allowed is true.' },
    reason: str('Reason is optional.  It indicates why a request was allowed or denied.'),
    evaluationError: str('EvaluationError is an indication that some error occurred during the authorization check. It is entirely possible to get an error and be able to continue determine authorization status in spite of it. For instance, RBAC can be missing a role, but enough roles are still present and bound to reason about the request.'),
  },
};

export function subjectAccessReviewKind(): KindDefinition {
  return reviewKind({
    group: 'authorization.k8s.io', kind: 'SubjectAccessReview', plural: 'subjectaccessreviews', scope: 'Cluster',
    description: 'SubjectAccessReview checks whether or not a user or group can perform an action.',
    spec: SUBJECT_SPEC, status: ACCESS_STATUS,
  });
}

export function localSubjectAccessReviewKind(): KindDefinition {
  return reviewKind({
    group: 'authorization.k8s.io', kind: 'LocalSubjectAccessReview', plural: 'localsubjectaccessreviews', scope: 'Namespaced',
    description: 'LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given namespace. Having a namespace scoped resource makes it much easier to grant namespace scoped policy that includes permissions checking.',
    spec: { ...SUBJECT_SPEC, description: 'Spec holds information about the request being evaluated.  spec.namespace must be equal to the namespace you made the request against.  If empty, it is defaulted.' },
    status: ACCESS_STATUS,
  });
}

export function selfSubjectAccessReviewKind(): KindDefinition {
  return reviewKind({
    group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', scope: 'Cluster',
    description: 'SelfSubjectAccessReview checks whether or the current user can perform an action.  Not filling in a spec.namespace means "in all namespaces".  Self is a special case, because users should always be able to check whether they can perform an action',
    spec: { type: 'object', description: 'Spec holds information about the request being evaluated.  user and groups must be empty', properties: { ...ATTRIBUTES } },
    status: ACCESS_STATUS,
  });
}

export function selfSubjectRulesReviewKind(): KindDefinition {
  const rules = (description: string, item: Record<string, JSONSchemaProps>, required: string[]): JSONSchemaProps => atomic({ type: 'array', description, items: { type: 'object', required, properties: item } });
  return reviewKind({
    group: 'authorization.k8s.io', kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', scope: 'Cluster',
    description: "SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace. The returned list of actions may be incomplete depending on the server's authorization mode, and any errors experienced during the evaluation. SelfSubjectRulesReview should be used by UIs to show/hide actions, or to quickly let an end user reason about their permissions. It should NOT Be used by external systems to drive authorization decisions as this raises confused deputy, cache lifetime/revocation, and correctness concerns. SubjectAccessReview, and LocalAccessReview are the correct way to defer authorization decisions to the API server.",
    spec: { type: 'object', description: 'Spec holds information about the request being evaluated.', properties: { namespace: str('Namespace to evaluate rules for. Required.') } },
    status: {
      type: 'object',
      description: 'Status is filled in by the server and indicates the set of actions a user can perform.',
      required: ['resourceRules', 'nonResourceRules', 'incomplete'],
      properties: {
        resourceRules: rules("ResourceRules is the list of actions the subject is allowed to perform on resources. The list ordering isn't significant, may contain duplicates, and possibly be incomplete.", {
          verbs: atomic(stringArray('Verb is a list of kubernetes resource API verbs, like: get, list, watch, create, update, delete, proxy.  "*" means all.')),
          apiGroups: atomic(stringArray('APIGroups is the name of the APIGroup that contains the resources.  If multiple API groups are specified, any action requested against one of the enumerated resources in any API group will be allowed.  "*" means all.')),
          resources: atomic(stringArray('Resources is a list of resources this rule applies to.  "*" means all in the specified apiGroups.\n "*/foo" represents the subresource \'foo\' for all resources in the specified apiGroups.')),
          resourceNames: atomic(stringArray('ResourceNames is an optional white list of names that the rule applies to.  An empty set means that everything is allowed.  "*" means all.')),
        }, ['verbs']),
        nonResourceRules: rules("NonResourceRules is the list of actions the subject is allowed to perform on non-resources. The list ordering isn't significant, may contain duplicates, and possibly be incomplete.", {
          verbs: atomic(stringArray('Verb is a list of kubernetes non-resource API verbs, like: get, post, put, delete, patch, head, options.  "*" means all.')),
          nonResourceURLs: atomic(stringArray('NonResourceURLs is a set of partial urls that a user should have access to.  *s are allowed, but only as the full, final step in the path.  "*" means all.')),
        }, ['verbs']),
        incomplete: { type: 'boolean', description: "Incomplete is true when the rules returned by this call are incomplete. This is most commonly encountered when an authorizer, such as an external authorizer, doesn't support rules evaluation." },
        evaluationError: str("EvaluationError can appear in combination with Rules. It indicates an error occurred during rule evaluation, such as an authorizer that doesn't support rule evaluation, and that ResourceRules and/or NonResourceRules may be incomplete."),
      },
    },
  });
}
