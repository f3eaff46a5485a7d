/**
 * rbac.authorization.k8s.io/v1 with the real kubectl: the four kinds in discovery, the
 * `kubectl create role|rolebinding|clusterrole|clusterrolebinding` generators (protobuf
 * bodies), an app's bundle of ServiceAccount, Role and RoleBinding applied from YAML, the
 * tables kubectl prints, kube-apiserver's validation messages (non-resource URLs in a Role, a
 * changed roleRef), and ClusterRole aggregation by the controller.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { requestContentTypes } from './verbs-fixtures.ts';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const GROUP = 'rbac.authorization.k8s.io';

const BUNDLE = `apiVersion: v1
kind: ServiceAccount
metadata: {name: reporter, namespace: default}
---
apiVersion: ${GROUP}/v1
kind: Role
metadata: {name: config-reader, namespace: default}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch]
---
apiVersion: ${GROUP}/v1
kind: RoleBinding
metadata: {name: reporter-reads-config, namespace: default}
subjects:
- kind: ServiceAccount
  name: reporter
  namespace: default
- kind: User
  name: jane
  apiGroup: ${GROUP}
roleRef:
  kind: Role
  name: config-reader
`;

describe('RBAC kinds with kubectl', () => {
  let s: TestSkiff;
  const json = async (args: string[]) => JSON.parse(await s.kubectl.ok([...args, '-o', 'json']));

  before(async () => {
    s = await startTestSkiff();
  });
  after(async () => {
    await s?.stop();
  });

  it('are served as on a 1.32 cluster', async () => {
    const out = await s.kubectl.ok(['api-resources', `--api-group=${GROUP}`, '--no-headers']);
    assert.deepEqual(out.trim().split('\n').map((l) => l.split(/\s+/).join(' ')).sort(), [
      `clusterrolebindings ${GROUP}/v1 false ClusterRoleBinding`,
      `clusterroles ${GROUP}/v1 false ClusterRole`,
      `rolebindings ${GROUP}/v1 true RoleBinding`,
      `roles ${GROUP}/v1 true Role`,
    ]);
    assert.match(await s.kubectl.ok(['explain', 'role.rules.verbs']), /Verbs is a list of Verbs that apply to ALL the ResourceKinds/);
  });

  it('are made by the kubectl create generators, which send protobuf', async () => {
    for (const args of [
      ['role', 'reader', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=web'],
      ['rolebinding', 'read', '--role=reader', '--user=jane', '--group=devs', '--serviceaccount=default:robot'],
      ['clusterrole', 'health', '--verb=get', '--non-resource-url=/healthz'],
      ['clusterrolebinding', 'health', '--clusterrole=health', '--group=system:authenticated'],
    ]) {
      const r = await s.kubectl(['create', ...args, '-v=8']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(requestContentTypes(r.stderr, 'POST'), [PROTOBUF], `kubectl create ${args[0]} posts protobuf`);
    }
    const role = await json(['get', 'role', 'reader']);
    assert.deepEqual(role.rules, [
      { apiGroups: [''], resources: ['pods'], resourceNames: ['web'], verbs: ['get', 'list'] },
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'], verbs: ['get', 'list'] },
    ]);
    const binding = await json(['get', 'rolebinding', 'read']);
    assert.deepEqual(binding.roleRef, { apiGroup: GROUP, kind: 'Role', name: 'reader' });
    assert.deepEqual(binding.subjects, [
      { apiGroup: GROUP, kind: 'User', name: 'jane' },
      { apiGroup: GROUP, kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', name: 'robot', namespace: 'default' },
    ]);
    assert.deepEqual((await json(['get', 'clusterrole', 'health'])).rules, [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]);
    // Tables: roles have the default Name / Created At; bindings their role and, wide, subjects.
    assert.match(await s.kubectl.ok(['get', 'roles']), /^NAME\s+CREATED AT\nreader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    assert.match(await s.kubectl.ok(['get', 'rolebinding', 'read', '-o', 'wide']), /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\nread\s+Role\/reader\s+\S+\s+jane\s+devs\s+default\/robot\n$/);
    assert.match(await s.kubectl.ok(['get', 'clusterrolebinding', 'health']), /^NAME\s+ROLE\s+AGE\nhealth\s+ClusterRole\/health\s+\S+\n$/);
  });

  it('apply from an app\'s manifest, with the defaults kube-apiserver fills in', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: BUNDLE });
    const binding = await json(['get', 'rolebinding', 'reporter-reads-config']);
    assert.deepEqual(binding.roleRef, { apiGroup: GROUP, kind: 'Role', name: 'config-reader' });
    // Applying the same bundle again changes nothing.
    assert.match(await s.kubectl.ok(['apply', '-f', '-'], { stdin: BUNDLE }), /rolebinding\.rbac\.authorization\.k8s\.io\/reporter-reads-config unchanged/);
  });

  it('are created by a PUT to a missing one (AllowCreateOnUpdate), where a ConfigMap is not found', async () => {
    const replaced = await s.kubectl(['replace', '-f', '-', '-v=6'], { stdin: `apiVersion: ${GROUP}/v1\nkind: Role\nmetadata: {name: ghost, namespace: default}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n` });
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(replaced.stdout, 'role.rbac.authorization.k8s.io/ghost replaced\n');
    assert.match(replaced.stderr, /PUT https:\/\/\S+\/roles\/ghost\?\S* 201 Created/);
    assert.deepEqual((await json(['get', 'role', 'ghost'])).rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    const missing = await s.kubectl(['replace', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nope, namespace: default}\n' });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /configmaps "nope" not found/);
  });

  it('refuse what kube-apiserver refuses, with its messages', async () => {
    const role = await s.kubectl(['apply', '-f', '-'], { stdin: `apiVersion: ${GROUP}/v1
kind: Role
metadata: {name: bad, namespace: default}
rules:
- verbs: [get]
  nonResourceURLs: [/healthz]
- resources: [pods]
` });
    assert.notEqual(role.code, 0);
    assert.equal(role.stderr, [
      'The Role "bad" is invalid: ',
      '* rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
      '* rules[1].verbs: Required value: verbs must contain at least one value',
      '* rules[1].apiGroups: Required value: resource rules must supply at least one api group',
      '',
    ].join('\n'));
    // No roleRef at all: Go's struct is there, with the defaulted API group.
    const bare = await s.kubectl(['apply', '-f', '-'], { stdin: `apiVersion: ${GROUP}/v1\nkind: ClusterRoleBinding\nmetadata: {name: bare}\n` });
    assert.equal(bare.stderr, 'The ClusterRoleBinding "bare" is invalid: \n* roleRef.kind: Unsupported value: "": supported values: "ClusterRole"\n* roleRef.name: Required value\n');
    const moved = await s.kubectl(['apply', '-f', '-'], { stdin: BUNDLE.replace('kind: Role\n  name: config-reader', 'kind: ClusterRole\n  name: view') });
    assert.notEqual(moved.code, 0);
    assert.match(moved.stderr, /The RoleBinding "reporter-reads-config" is invalid: roleRef: Invalid value: rbac\.RoleRef\{APIGroup:"rbac\.authorization\.k8s\.io", Kind:"ClusterRole", Name:"view"\}: cannot change roleRef/);
    const crb = await s.kubectl(['create', 'clusterrolebinding', 'nope', '--clusterrole=view', '--user=jane', '--serviceaccount=robot']);
    assert.notEqual(crb.code, 0, 'kubectl itself wants namespace:name for --serviceaccount');
  });

  it('aggregate cluster roles: the controller keeps their rules the union of the matching roles\'', async () => {
    await s.kubectl.ok(['create', 'clusterrole', 'monitoring', '--aggregation-rule=example.com/aggregate-to-monitoring=true']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: ${GROUP}/v1
kind: ClusterRole
metadata:
  name: monitoring-endpoints
  labels: {example.com/aggregate-to-monitoring: "true"}
rules:
- apiGroups: [""]
  resources: [services, endpoints, pods]
  verbs: [get, list, watch]
` });
    const rulesOf = async () => (await json(['get', 'clusterrole', 'monitoring'])).rules as unknown[] | null;
    await waitFor('the aggregated rules', async () => ((await rulesOf())?.length === 1 ? true : undefined));
    assert.deepEqual(await rulesOf(), [{ apiGroups: [''], resources: ['services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] }]);
    // The controller owns the rules, through server-side apply.
    const managers = (await json(['get', 'clusterrole', 'monitoring', '--show-managed-fields'])).metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager} ${m.operation}`);
    assert.ok(managers.includes('clusterrole-aggregation-controller Apply'), managers.join(', '));
    // A second matching role joins; removing its label takes its rules out again.
    await s.kubectl.ok(['create', 'clusterrole', 'monitoring-metrics', '--verb=get', '--non-resource-url=/metrics']);
    await s.kubectl.ok(['label', 'clusterrole', 'monitoring-metrics', 'example.com/aggregate-to-monitoring=true']);
    await waitFor('the second role\'s rules', async () => ((await rulesOf())?.length === 2 ? true : undefined));
    assert.deepEqual((await rulesOf())![1], { nonResourceURLs: ['/metrics'], verbs: ['get'] });
    await s.kubectl.ok(['label', 'clusterrole', 'monitoring-endpoints', 'example.com/aggregate-to-monitoring-']);
    await waitFor('the first role\'s rules to go', async () => ((await rulesOf())?.length === 1 ? true : undefined));
    assert.deepEqual(await rulesOf(), [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    // No role matches any more: the controller's apply names no rules, so the ones it owned go.
    await s.kubectl.ok(['label', 'clusterrole', 'monitoring-metrics', 'example.com/aggregate-to-monitoring-']);
    await waitFor('the rules to go', async () => ((await rulesOf()) === undefined ? true : undefined));
    // A name RBAC refuses even as a generateName (ValidateRBACName ignores the prefix flag).
    const dots = await s.kubectl(['create', '-f', '-'], { stdin: `apiVersion: ${GROUP}/v1\nkind: ClusterRole\nmetadata: {generateName: ..}\n` });
    assert.match(dots.stderr, /metadata\.generateName: Invalid value: "\.\.": may not be '\.\.'/);
  });
});
