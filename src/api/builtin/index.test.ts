import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preferredVersion, storageVersion } from '../kind.ts';
import { builtinKinds } from './index.ts';

/**
 * kinds.md §1, the built-in rows (and RBAC's, as `kubectl api-resources` lists them on a
 * 1.32 cluster): group, kind, plural, scope, shortNames, categories, subresources.
 */
const IDENTITIES: Array<[string, string, string, string, string[], string[], string[]]> = [
  ['', 'Namespace', 'namespaces', 'Cluster', ['ns'], [], ['status', 'finalize']],
  ['', 'Pod', 'pods', 'Namespaced', ['po'], ['all'], ['status', 'attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy']],
  ['', 'Service', 'services', 'Namespaced', ['svc'], ['all'], ['status', 'proxy']],
  ['', 'Endpoints', 'endpoints', 'Namespaced', ['ep'], [], []],
  ['', 'ConfigMap', 'configmaps', 'Namespaced', ['cm'], [], []],
  ['', 'Secret', 'secrets', 'Namespaced', [], [], []],
  ['', 'ServiceAccount', 'serviceaccounts', 'Namespaced', ['sa'], [], ['token']],
  ['', 'Event', 'events', 'Namespaced', ['ev'], [], []],
  ['', 'Node', 'nodes', 'Cluster', ['no'], [], ['status', 'proxy']],
  ['apps', 'Deployment', 'deployments', 'Namespaced', ['deploy'], ['all'], ['status', 'scale']],
  ['apps', 'ReplicaSet', 'replicasets', 'Namespaced', ['rs'], ['all'], ['status', 'scale']],
  ['discovery.k8s.io', 'EndpointSlice', 'endpointslices', 'Namespaced', [], [], []],
  ['networking.k8s.io', 'NetworkPolicy', 'networkpolicies', 'Namespaced', ['netpol'], [], []],
  ['coordination.k8s.io', 'Lease', 'leases', 'Namespaced', [], [], []],
  ['apiextensions.k8s.io', 'CustomResourceDefinition', 'customresourcedefinitions', 'Cluster', ['crd', 'crds'], ['api-extensions'], ['status']],
  ['rbac.authorization.k8s.io', 'Role', 'roles', 'Namespaced', [], [], []],
  ['rbac.authorization.k8s.io', 'RoleBinding', 'rolebindings', 'Namespaced', [], [], []],
  ['rbac.authorization.k8s.io', 'ClusterRole', 'clusterroles', 'Cluster', [], [], []],
  ['rbac.authorization.k8s.io', 'ClusterRoleBinding', 'clusterrolebindings', 'Cluster', [], [], []],
  ['authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews', 'Cluster', [], [], []],
  ['authentication.k8s.io', 'TokenReview', 'tokenreviews', 'Cluster', [], [], []],
  ['authorization.k8s.io', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', 'Namespaced', [], [], []],
  ['authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', 'Cluster', [], [], []],
  ['authorization.k8s.io', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', 'Cluster', [], [], []],
  ['authorization.k8s.io', 'SubjectAccessReview', 'subjectaccessreviews', 'Cluster', [], [], []],
];

test('builtinKinds: the identities of kinds.md §1, all built-in, one v1 storage version', () => {
  const kinds = builtinKinds();
  assert.deepEqual(kinds.map((k) => k.kind), IDENTITIES.map((i) => i[1]));
  for (const [group, kind, plural, scope, shortNames, categories, subresources] of IDENTITIES) {
    const def = kinds.find((k) => k.kind === kind)!;
    assert.equal(def.group, group, kind);
    assert.equal(def.plural, plural, kind);
    assert.equal(def.singular, kind.toLowerCase(), kind);
    assert.equal(def.listKind, `${kind}List`, kind);
    assert.equal(def.scope, scope, kind);
    assert.deepEqual(def.shortNames, shortNames, kind);
    assert.deepEqual(def.categories, categories, kind);
    const subs = [...(def.subresources.status ? ['status'] : []), ...(def.subresources.scale ? ['scale'] : []), ...(def.subresources.others ?? [])];
    assert.deepEqual(subs, subresources, kind);
    assert.equal(def.builtin, true, kind);
    assert.equal(storageVersion(def).name, 'v1', kind);
    assert.equal(preferredVersion(def).schema.type, 'object', kind);
    assert.ok(def.table, `${kind} has a table printer`);
    assert.equal(def.table!.columns[0]!.name === 'Name' || kind === 'Event', true, kind);
  }
});

test('builtinKinds: generation policy as the upstream strategies keep it', () => {
  const policy = Object.fromEntries(builtinKinds().map((k) => [k.kind, k.generation]));
  assert.deepEqual(policy, {
    Namespace: 'none', Pod: 'none', Service: 'none', Endpoints: 'none', ConfigMap: 'none', Secret: 'none', ServiceAccount: 'none',
    Event: 'none', Node: 'none', Deployment: 'spec', ReplicaSet: 'spec', EndpointSlice: 'spec', NetworkPolicy: 'spec', Lease: 'none',
    CustomResourceDefinition: 'spec', Role: 'none', RoleBinding: 'none', ClusterRole: 'none', ClusterRoleBinding: 'none',
    SelfSubjectReview: 'none', TokenReview: 'none', LocalSubjectAccessReview: 'none', SelfSubjectAccessReview: 'none', SelfSubjectRulesReview: 'none', SubjectAccessReview: 'none',
  });
});

test('builtinKinds: the reviews are create-only, as kube-apiserver serves them', () => {
  const verbs = Object.fromEntries(builtinKinds().filter((k) => k.group.startsWith('authentication.') || k.group.startsWith('authorization.')).map((k) => [k.kind, k.verbs]));
  assert.equal(Object.keys(verbs).length, 6);
  for (const [kind, v] of Object.entries(verbs)) assert.deepEqual(v, ['create'], kind);
  // Storage refuses them: only the HTTP review handlers answer reviews.
  const tokenReview = builtinKinds().find((k) => k.kind === 'TokenReview')!;
  assert.throws(() => tokenReview.validate!({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {} }, { operation: 'create' }), /never stored/);
});

test('builtinKinds: every table row has one cell per column', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  for (const def of builtinKinds()) {
    const row = def.table!.row({ apiVersion: 'v1', kind: def.kind, metadata: { name: 'x', creationTimestamp: '2024-05-01T11:00:00Z' } }, now);
    assert.equal(row.length, def.table!.columns.length, def.kind);
  }
});
