/**
 * The compiled-in Kubernetes kinds skiff serves (core/v1, apps/v1, discovery.k8s.io/v1,
 * networking.k8s.io/v1, coordination.k8s.io/v1, apiextensions.k8s.io/v1,
 * rbac.authorization.k8s.io/v1, and the create-only
 * reviews of authentication.k8s.io/v1 and authorization.k8s.io/v1), each a complete
 * KindDefinition: Kubernetes 1.32's schema, kube-apiserver's table printer, the
 * SetDefaults_* defaulting and the validation messages of the real API server.
 * docs/kinds-builtin.md describes them and where their schemas come from.
 */
import type { KindDefinition } from '../kind.ts';
import { deploymentKind } from './apps/deployment.ts';
import { selfSubjectReviewKind, tokenReviewKind } from './authentication/token-review.ts';
import { localSubjectAccessReviewKind, selfSubjectAccessReviewKind, selfSubjectRulesReviewKind, subjectAccessReviewKind } from './authorization/access-reviews.ts';
import { replicaSetKind } from './apps/replica-set.ts';
import { crdKind } from './apiextensions/crd.ts';
import { leaseKind } from './coordination/lease.ts';
import { configMapKind } from './core/config-map.ts';
import { endpointsKind } from './core/endpoints.ts';
import { eventKind } from './core/event.ts';
import { namespaceKind } from './core/namespace.ts';
import { nodeKind } from './core/node.ts';
import { podKind } from './core/pod.ts';
import { secretKind } from './core/secret.ts';
import { serviceAccountKind } from './core/service-account.ts';
import { serviceKind } from './core/service.ts';
import { endpointSliceKind } from './discovery/endpoint-slice.ts';
import { networkPolicyKind } from './networking/network-policy.ts';
import { clusterRoleBindingKind, clusterRoleKind, roleBindingKind, roleKind } from './rbac/rbac-kinds.ts';
import { withEmptyStatus } from './util/go-empty-structs.ts';

/** Fresh definitions of every built-in kind (callers may keep them; nothing is shared mutably). */
export function builtinKinds(): KindDefinition[] {
  return [
    // Status structs Go always encodes (Pod and Namespace fill theirs on create; ReplicaSetStatus.replicas has no omitempty).
    namespaceKind(), podKind(), withEmptyStatus(serviceKind(), { loadBalancer: {} }), endpointsKind(), configMapKind(), secretKind(), serviceAccountKind(),
    eventKind(), nodeKind(), withEmptyStatus(deploymentKind(), {}), withEmptyStatus(replicaSetKind(), { replicas: 0 }), endpointSliceKind(), networkPolicyKind(), leaseKind(),
    crdKind(),
    roleKind(), roleBindingKind(), clusterRoleKind(), clusterRoleBindingKind(),
    // Create-only reviews, answered and never stored (src/apiserver/http/review-handlers.ts).
    selfSubjectReviewKind(), tokenReviewKind(), localSubjectAccessReviewKind(), selfSubjectAccessReviewKind(), selfSubjectRulesReviewKind(), subjectAccessReviewKind(),
  ];
}

export { humanDuration, translateTimestampSince } from './human-duration.ts';
export { builtinDefinition, builtinDefinitionName, builtinDefinitionOf, builtinSchema } from './schemas/load.ts';
export { carryOverServiceAllocations } from './core/service-defaults.ts';
export { formatLabels, formatLabelSelector, labelSelectorString, selectorMatches } from './util/labels.ts';
