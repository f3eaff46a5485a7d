import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldError } from '../../field-error.ts';
import type { KindDefinition } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { clusterRoleBindingKind, clusterRoleKind, roleBindingKind, roleKind } from './rbac-kinds.ts';

const GROUP = 'rbac.authorization.k8s.io';
const now = new Date('2024-05-01T12:00:00Z');
const meta = { name: 'x', namespace: 'default', creationTimestamp: '2024-05-01T11:59:30Z' };

function errors(kind: KindDefinition, o: Omit<KubeObject, 'apiVersion' | 'kind' | 'metadata'>, old?: KubeObject): string[] {
  const obj = { apiVersion: `${GROUP}/v1`, kind: kind.kind, metadata: meta, ...o } as KubeObject;
  kind.defaults?.(obj);
  return kind.validate!(obj, old ? { operation: 'update', old } : { operation: 'create' }).map(formatFieldError);
}

describe('RBAC kinds', () => {
  it('check policy rules as ValidatePolicyRule does', () => {
    assert.deepEqual(errors(roleKind(), { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] }), []);
    assert.deepEqual(errors(roleKind(), { rules: [{ apiGroups: [''], resources: ['pods'] }, { verbs: ['get'] }] }), [
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[1].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[1].resources: Required value: resource rules must supply at least one resource',
    ]);
    // Non-resource URLs: cluster roles only, and never beside resources.
    assert.deepEqual(errors(roleKind(), { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }), [
      'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    ]);
    assert.deepEqual(errors(clusterRoleKind(), { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/metrics'] }] }), []);
    assert.deepEqual(errors(clusterRoleKind(), { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'], resources: ['pods'] }] }), [
      'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs',
    ]);
  });

  it('check a cluster role\'s aggregation rule', () => {
    assert.deepEqual(errors(clusterRoleKind(), { aggregationRule: {} }), [
      'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ]);
    assert.deepEqual(errors(clusterRoleKind(), { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-x': 'true' } }] } }), []);
    // A selector LabelSelectorAsSelector cannot convert is also "invalid label selector." (value: its nil result).
    assert.deepEqual(errors(clusterRoleKind(), { aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] } }), [
      'aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values: Required value: must be specified when `operator` is \'In\' or \'NotIn\'',
      'aggregationRule.clusterRoleSelectors[0]: Invalid value: "null": invalid label selector.',
    ]);
  });

  it('default the role reference and subjects\' API groups, and check bindings', () => {
    const binding = { apiVersion: `${GROUP}/v1`, kind: 'RoleBinding', metadata: meta, roleRef: { kind: 'Role', name: 'reader' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'robot' }] } as KubeObject;
    roleBindingKind().defaults!(binding);
    assert.deepEqual(binding.roleRef, { kind: 'Role', name: 'reader', apiGroup: GROUP });
    assert.deepEqual(binding.subjects, [{ kind: 'User', name: 'jane', apiGroup: GROUP }, { kind: 'ServiceAccount', name: 'robot' }]);
    assert.deepEqual(roleBindingKind().validate!(binding, { operation: 'create' }), []);

    assert.deepEqual(errors(roleBindingKind(), { roleRef: { apiGroup: 'example.com', kind: 'Thing', name: 'a/b' }, subjects: [{ kind: 'Robot', name: '' }, { kind: 'ServiceAccount', name: 'Bad_Name', apiGroup: 'x' }] }), [
      'roleRef.apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"',
      'roleRef.kind: Unsupported value: "Thing": supported values: "Role", "ClusterRole"',
      'roleRef.name: Invalid value: "a/b": may not contain \'/\'',
      'subjects[0].name: Required value',
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      'subjects[1].name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
      'subjects[1].apiGroup: Unsupported value: "x": supported values: ""',
    ]);
    // A cluster role binding's service accounts need a namespace, and it binds cluster roles only.
    assert.deepEqual(errors(clusterRoleBindingKind(), { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'robot' }] }), [
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].namespace: Required value',
    ]);
  });

  it('refuse a change of roleRef', () => {
    const old = { apiVersion: `${GROUP}/v1`, kind: 'RoleBinding', metadata: meta, roleRef: { apiGroup: GROUP, kind: 'Role', name: 'reader' } } as KubeObject;
    assert.deepEqual(errors(roleBindingKind(), { roleRef: { kind: 'Role', name: 'reader' } }, old), []);
    assert.deepEqual(errors(roleBindingKind(), { roleRef: { kind: 'ClusterRole', name: 'view' } }, old), [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: cannot change roleRef',
    ]);
  });

  it('take generateName as a path segment too, as ValidateRBACName does', async () => {
    const { nameValidatorFor } = await import('../../meta/names.ts');
    assert.deepEqual(nameValidatorFor(roleKind().nameRule)('..', true), ['may not be \'..\'']);
    assert.deepEqual(nameValidatorFor(roleKind().nameRule)('reader-', true), []);
  });

  it('print roles with the default table and bindings with their role and subjects', () => {
    const role = { apiVersion: `${GROUP}/v1`, kind: 'Role', metadata: { ...meta, creationTimestamp: '2024-05-01T11:59:30.000Z' } } as KubeObject;
    assert.deepEqual(roleKind().table!.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
    assert.deepEqual(roleKind().table!.row(role, now), ['x', '2024-05-01T11:59:30Z']);
    const crb = {
      apiVersion: `${GROUP}/v1`, kind: 'ClusterRoleBinding', metadata: meta, roleRef: { apiGroup: GROUP, kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: 'jane' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'robot', namespace: 'ci' }, { kind: 'User', name: 'joe' }],
    } as KubeObject;
    assert.deepEqual(clusterRoleBindingKind().table!.columns.map((c) => [c.name, c.priority ?? 0]), [['Name', 0], ['Role', 0], ['Age', 0], ['Users', 1], ['Groups', 1], ['ServiceAccounts', 1]]);
    assert.deepEqual(clusterRoleBindingKind().table!.row(crb, now), ['x', 'ClusterRole/view', '30s', 'jane, joe', 'devs', 'ci/robot']);
    assert.match(roleBindingKind().table!.columns[1]!.description!, /global namespace\. If the RoleRef cannot be resolved, the Authorizer must return an error\.$/);
  });
});
