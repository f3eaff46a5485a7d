/**
 * kube-controller-manager's clusterrole-aggregation controller: a ClusterRole with an
 * aggregationRule gets as its rules the union of the rules of every other ClusterRole its
 * selectors match — selector by selector, the matching roles by name, each rule once — and
 * keeps them current as those roles come, change and go. It writes with server-side apply
 * under its own field manager, forced, so the rules are its own and a user's edit of them is
 * put back.
 */
import { selectorMatches } from '../../../api/builtin/index.ts';
import type { KubeObject } from '../../../api/object.ts';
import type { Client, TypeRef } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { jsonEqual } from '../../../util/json-equal.ts';

export const CLUSTER_ROLE: TypeRef = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' };
export const FIELD_MANAGER = 'clusterrole-aggregation-controller';

type PolicyRule = Record<string, unknown>;

interface ClusterRole extends KubeObject {
  rules?: PolicyRule[] | null;
  aggregationRule?: { clusterRoleSelectors?: unknown[] };
}

/** The rules an aggregating role should have, from every ClusterRole known. */
export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const byName = [...all].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    for (const other of byName) {
      if (other.metadata.name === role.metadata.name || !selectorMatches(selector, other.metadata.labels ?? {})) continue;
      for (const rule of other.rules ?? []) if (!rules.some((r) => sameRule(r, rule))) rules.push(rule);
    }
  }
  return rules;
}

/** equality.Semantic.DeepEqual, for which an empty list and a missing one are the same. */
function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  return jsonEqual(withoutEmptyLists(a), withoutEmptyLists(b));
}

function withoutEmptyLists(rule: PolicyRule): PolicyRule {
  return Object.fromEntries(Object.entries(rule).filter(([, v]) => !(Array.isArray(v) && v.length === 0) && v !== null));
}

function sameRules(a: readonly PolicyRule[], b: readonly PolicyRule[]): boolean {
  return a.length === b.length && a.every((rule, i) => sameRule(rule, b[i]!));
}

const RULE_FIELDS = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/**
 * The ClusterRole apply configuration upstream sends (rbacv1ac.ClusterRole(name).WithRules):
 * every field is omitempty there, so no rules means no `rules` at all — the controller then
 * owns none, and the role keeps whatever rules others gave it — and each rule carries only
 * its non-empty lists.
 */
export function applyConfiguration(name: string, rules: readonly PolicyRule[]): KubeObject {
  const applied = rules.map((rule) => Object.fromEntries(RULE_FIELDS.filter((f) => Array.isArray(rule[f]) && (rule[f] as unknown[]).length > 0).map((f) => [f, rule[f]])));
  return { apiVersion: CLUSTER_ROLE.apiVersion, kind: CLUSTER_ROLE.kind, metadata: { name }, ...(applied.length > 0 ? { rules: applied } : {}) };
}

export interface AggregationView {
  client: Client;
  clusterRole(name: string): ClusterRole | undefined;
  clusterRoles(): ClusterRole[];
}

export async function aggregateClusterRole(view: AggregationView, name: string): Promise<void> {
  const role = view.clusterRole(name);
  if (!role?.aggregationRule) return;
  const rules = aggregatedRules(role, view.clusterRoles());
  if (sameRules(rules, role.rules ?? [])) return;
  try {
    await view.client.patch(CLUSTER_ROLE, undefined, name, 'apply', applyConfiguration(name, rules), { fieldManager: FIELD_MANAGER, force: true });
  } catch (err) {
    if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
  }
}
