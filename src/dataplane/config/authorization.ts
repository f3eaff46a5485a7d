/**
 * AuthorizationPolicy evaluation for one workload (Istio's authorization model):
 *
 * - which policies apply: one in the root namespace without selector applies mesh-wide,
 *   with a selector to matching workloads in every namespace; one in the workload's
 *   namespace without selector to all its workloads, with a selector to matching ones;
 *   `targetRef(s)` naming a Gateway (gateway.networking.k8s.io) applies to that gateway's
 *   workload only (label `gateway.networking.k8s.io/gateway-name`), never to sidecars;
 * - the decision: CUSTOM policies are skipped (no external authorizer here) and AUDIT ones
 *   decide nothing; any matching DENY rule denies; with no ALLOW policy the request is
 *   allowed; otherwise it is allowed only if some ALLOW rule matches — so an ALLOW policy
 *   with no rules denies everything, and `rules: [{}]` allows everything.
 */
import { selectorMatches, sortedByCreation } from './config-order.ts';
import { ruleMatches } from './authorization-match.ts';
import type { AuthzRequest } from './authorization-match.ts';
import type { AuthorizationPolicy, Labels } from './istio-specs.ts';

export type { AuthzRequest };

/** Envoy's RBAC filter answer to a denied HTTP request. */
export const RBAC_DENIED_STATUS = 403;
export const RBAC_DENIED_BODY = 'RBAC: access denied';

export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

export interface AuthzWorkload { namespace: string; labels: Labels }

export interface AuthzDecision {
  allowed: boolean;
  /** What decided: a DENY match, an ALLOW match, no ALLOW match, or no ALLOW policy at all. */
  decidedBy: 'deny-policy' | 'allow-policy' | 'no-allow-match' | 'no-allow-policies';
  /** `namespace/name` and rule index of the deciding policy rule (DENY or ALLOW match). */
  policy?: string;
  ruleIndex?: number;
  /** CUSTOM policies that would have applied but were not evaluated. */
  skippedCustom: string[];
}

function targetsGateway(policy: AuthorizationPolicy, workload: AuthzWorkload): boolean | undefined {
  const refs = [...(policy.spec?.targetRefs ?? []), ...(policy.spec?.targetRef ? [policy.spec.targetRef] : [])];
  if (refs.length === 0) return undefined;
  if (policy.metadata.namespace !== workload.namespace) return false;
  return refs.some((r) => r.kind === 'Gateway' && (r.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io' && workload.labels[GATEWAY_NAME_LABEL] === r.name);
}

export function policyApplies(policy: AuthorizationPolicy, workload: AuthzWorkload, rootNamespace: string): boolean {
  const byTarget = targetsGateway(policy, workload);
  if (byTarget !== undefined) return byTarget;
  const namespace = policy.metadata.namespace ?? '';
  if (namespace !== rootNamespace && namespace !== workload.namespace) return false;
  const matchLabels = policy.spec?.selector?.matchLabels;
  if (!matchLabels || Object.keys(matchLabels).length === 0) return true;
  return selectorMatches(matchLabels, workload.labels);
}

export function applicablePolicies(policies: readonly AuthorizationPolicy[], workload: AuthzWorkload, rootNamespace: string): AuthorizationPolicy[] {
  return sortedByCreation(policies).filter((p) => policyApplies(p, workload, rootNamespace));
}

function ref(p: AuthorizationPolicy): string {
  return `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`;
}

function firstMatch(p: AuthorizationPolicy, req: AuthzRequest, forDeny: boolean): number {
  return (p.spec?.rules ?? []).findIndex((rule) => ruleMatches(rule ?? {}, req, forDeny));
}

/** Decide one request or connection against the policies that apply to `workload`. */
export function authorize(policies: readonly AuthorizationPolicy[], workload: AuthzWorkload, rootNamespace: string, req: AuthzRequest): AuthzDecision {
  const applicable = applicablePolicies(policies, workload, rootNamespace);
  const action = (p: AuthorizationPolicy): string => p.spec?.action ?? 'ALLOW';
  const skippedCustom = applicable.filter((p) => action(p) === 'CUSTOM').map(ref);
  for (const p of applicable.filter((x) => action(x) === 'DENY')) {
    const i = firstMatch(p, req, true);
    if (i >= 0) return { allowed: false, decidedBy: 'deny-policy', policy: ref(p), ruleIndex: i, skippedCustom };
  }
  const allows = applicable.filter((p) => action(p) === 'ALLOW');
  if (allows.length === 0) return { allowed: true, decidedBy: 'no-allow-policies', skippedCustom };
  for (const p of allows) {
    const i = firstMatch(p, req, false);
    if (i >= 0) return { allowed: true, decidedBy: 'allow-policy', policy: ref(p), ruleIndex: i, skippedCustom };
  }
  return { allowed: false, decidedBy: 'no-allow-match', skippedCustom };
}
