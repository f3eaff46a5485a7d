/**
 * rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and ClusterRoleBinding: served,
 * validated, defaulted and printed as kube-apiserver does. skiff authorizes every request
 * (its one user is the kubeconfig's admin, as under the AlwaysAllow authorizer, which still
 * serves this group), so the objects are stored for the manifests that carry them and for
 * the tools that read them; ClusterRoles with an aggregationRule get their rules from the
 * aggregation controller (src/controllers/core/clusterrole-aggregation/).
 *
 * Names only have to be path segments, generateNames too (ValidateRBACName). Roles have no printer in
 * printers.go, so they get the default Name / Created At table; bindings print their role as
 * `Kind/name` and, wide, their subjects.
 */
import type { KindDefinition, TablePrinter } from '../../kind.ts';
import { labelSelectorString, validateLabelSelector } from '../util/labels.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { isObj, obj, objs } from '../util/obj.ts';
import { fieldErr, type FieldError } from '../../field-error.ts';
import { fieldDescription } from '../schemas/load.ts';
import { age, ageColumn, column, defaultTable, nameColumn } from '../util/table.ts';
import { defaultBinding, RBAC_GROUP, subjectsStrings, validateBinding, validateRules } from './policy-rules.ts';

export function roleKind(): KindDefinition {
  return builtinKind({
    group: RBAC_GROUP, version: 'v1', kind: 'Role', plural: 'roles', scope: 'Namespaced',
    generation: 'none', nameRule: 'rbac', createOnUpdate: true,
    table: defaultTable(),
    validate: (role) => validateRules(role, true),
  });
}

export function clusterRoleKind(): KindDefinition {
  return builtinKind({
    group: RBAC_GROUP, version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', scope: 'Cluster',
    generation: 'none', nameRule: 'rbac', createOnUpdate: true,
    table: defaultTable(),
    validate: (role) => [...validateRules(role, false), ...validateAggregationRule(role.aggregationRule)],
  });
}

function validateAggregationRule(rule: unknown): FieldError[] {
  if (!isObj(rule)) return [];
  const path = 'aggregationRule.clusterRoleSelectors';
  const selectors = objs(rule.clusterRoleSelectors);
  if (selectors.length === 0) return [fieldErr.required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil')];
  // After the selector's own errors, LabelSelectorAsSelector's failure: its nil result as the value.
  return selectors.flatMap((s, i) => [
    ...validateLabelSelector(s, `${path}[${i}]`),
    ...(labelSelectorString(s) === undefined ? [fieldErr.invalid(`${path}[${i}]`, null, 'invalid label selector.')] : []),
  ]);
}

export function roleBindingKind(): KindDefinition {
  return bindingKind('RoleBinding', 'Namespaced', ['Role', 'ClusterRole']);
}

export function clusterRoleBindingKind(): KindDefinition {
  return bindingKind('ClusterRoleBinding', 'Cluster', ['ClusterRole']);
}

/** RoleBinding and ClusterRoleBinding differ in scope and in the roles they may reference. */
function bindingKind(kind: 'RoleBinding' | 'ClusterRoleBinding', scope: 'Namespaced' | 'Cluster', roleKinds: readonly string[]): KindDefinition {
  return builtinKind({
    group: RBAC_GROUP, version: 'v1', kind, plural: `${kind.toLowerCase()}s`, scope,
    generation: 'none', nameRule: 'rbac', createOnUpdate: true,
    table: bindingTable(`io.k8s.api.rbac.v1.${kind}`, `${kind[0]!.toLowerCase()}${kind.slice(1)}`),
    defaults: defaultBinding,
    validate: (binding, ctx) => validateBinding(binding, roleKinds, ctx.operation === 'update' ? ctx.old : undefined),
  });
}

/** printRoleBinding / printClusterRoleBinding. */
function bindingTable(definition: string, noun: string): TablePrinter {
  return {
    columns: [
      nameColumn(),
      // printers.go describes the Role column with v1beta1's roleRef text: v1's without the
      // sentence on immutability v1 added.
      column('Role', 'string', fieldDescription(definition, 'roleRef').replace(/ This field is immutable\.$/, '')),
      ageColumn(),
      column('Users', 'string', `Users in the ${noun}`, 1),
      column('Groups', 'string', `Groups in the ${noun}`, 1),
      column('ServiceAccounts', 'string', `ServiceAccounts in the ${noun}`, 1),
    ],
    row: (b, now) => {
      const ref = obj(b.roleRef);
      const { users, groups, serviceAccounts } = subjectsStrings(b.subjects);
      return [b.metadata.name ?? '', `${String(ref.kind ?? '')}/${String(ref.name ?? '')}`, age(b, now), users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
    },
  };
}
