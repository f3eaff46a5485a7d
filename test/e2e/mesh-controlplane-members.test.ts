/**
 * ServiceMeshMemberRoll and ServiceMeshMember end to end with the real kubectl: members
 * are labelled into the mesh and get its NetworkPolicies and root certificate; a member
 * listed before its namespace exists joins when the namespace is created; removing a
 * member takes the namespace out; a ServiceMeshMember joins its namespace to a mesh on its
 * own (creating the mesh's member roll if there is none); status and columns as Maistra's.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSkiff } from '../support/skiff.ts';
import { type MemberRollStatus, type MemberStatus, type Obj, SEED_SMCP, getJson, jsonpath, startMeshSkiff, waitFor } from './mesh-controlplane-fixtures.ts';

const ROLL = (members: string[]) => `apiVersion: maistra.io/v1
kind: ServiceMeshMemberRoll
metadata:
  name: default
  namespace: istio-system
spec:
  members:
${members.map((m) => `    - ${m}`).join('\n')}
`;

const MEMBER = (namespace: string, mesh: string, name: string) => `apiVersion: maistra.io/v1
kind: ServiceMeshMember
metadata:
  name: default
  namespace: ${namespace}
spec:
  controlPlaneRef:
    namespace: ${mesh}
    name: ${name}
`;

describe('ServiceMeshMemberRoll and ServiceMeshMember', () => {
  let s: TestSkiff;
  const roll = (ns = 'istio-system') => getJson<Obj<{ members?: string[] }, MemberRollStatus>>(s, 'get', 'smmr', '-n', ns, 'default');
  const memberOf = (ns: string) => jsonpath(s, 'ns', undefined, ns, '{.metadata.labels.maistra\\.io/member-of}');
  const rollReady = (count: string) => waitFor(s, ['get', 'smmr', '-n', 'istio-system', 'default', '-o', 'jsonpath={.status.annotations.configuredMemberCount} {.status.conditions[?(@.type=="Ready")].reason}'], (o) => o === count, `the member roll at ${count}`);

  before(async () => {
    s = await startMeshSkiff();
  });
  after(async () => {
    await s?.stop();
  });

  it('lists the seed\'s members, one of them not created yet, and labels the existing ones', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: `${SEED_SMCP}---\n${ROLL(['knative-serving', 'knative-eventing', 'bookinfo'])}` });
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=60s']);
    await rollReady('2/3 ReconcileError');
    const table = await s.kubectl.ok(['get', 'smmr', '-n', 'istio-system', '-o', 'wide']);
    assert.match(table, /^NAME\s+READY\s+STATUS\s+AGE\s+MEMBERS\ndefault\s+2\/3\s+ReconcileError\s+\d+s\s+\["bookinfo","knative-eventing","knative-serving"\]\n$/);
    const st = (await roll()).status;
    assert.deepEqual([st.members, st.configuredMembers, st.pendingMembers, st.terminatingMembers], [['bookinfo', 'knative-eventing', 'knative-serving'], ['knative-eventing', 'knative-serving'], ['bookinfo'], []]);
    const ready = st.conditions.find((c) => c.type === 'Ready')!;
    assert.deepEqual([ready.status, ready.reason, ready.message], ['False', 'ReconcileError', 'The following namespaces are not yet configured: [bookinfo]']);
    const missing = st.memberStatuses.find((m) => m.namespace === 'bookinfo')!.conditions[0]!;
    assert.deepEqual([missing.type, missing.status, missing.reason, missing.message], ['Reconciled', 'False', 'NamespaceNotExists', 'Namespace bookinfo does not exist']);
    assert.equal(st.meshReconciledVersion, '2.5.1-1');
    assert.equal(st.meshGeneration, 1);
    for (const ns of ['knative-serving', 'knative-eventing']) assert.equal(await memberOf(ns), 'istio-system', ns);
    assert.match(await s.kubectl.ok(['get', 'smm', '-A']), /^NAMESPACE\s+NAME\s+CONTROL PLANE\s+READY\s+AGE\nknative-eventing\s+default\s+istio-system\/basic\s+True\s+\d+s\nknative-serving\s+default\s+istio-system\/basic\s+True\s+\d+s\n$/);
    assert.equal(await jsonpath(s, 'smm', 'knative-serving', 'default', '{.metadata.annotations.maistra\\.io/created-by}'), 'servicemeshmemberroll-controller');
  });

  it('configures a member whose namespace is created after the roll listed it', async () => {
    await s.kubectl.ok(['create', 'ns', 'bookinfo']);
    await rollReady('3/3 Configured');
    assert.equal(await memberOf('bookinfo'), 'istio-system');
    const ready = (await roll()).status.conditions.find((c) => c.type === 'Ready')!;
    assert.deepEqual([ready.status, ready.reason, ready.message], ['True', 'Configured', 'All namespaces have been configured successfully']);
    // The mesh's NetworkPolicies (not the internal ones) and its root certificate.
    await waitFor(s, ['get', 'netpol', '-n', 'bookinfo', '-o', 'name'], (o) => o.split('\n').filter(Boolean).sort().join(',') === 'networkpolicy.networking.k8s.io/istio-expose-route-basic,networkpolicy.networking.k8s.io/istio-mesh-basic', 'the mesh NetworkPolicies in bookinfo');
    assert.equal(await jsonpath(s, 'netpol', 'bookinfo', 'istio-mesh-basic', '{.spec.ingress[0].from[0].namespaceSelector.matchLabels}'), '{"maistra.io/member-of":"istio-system"}');
    const root = await jsonpath(s, 'cm', 'istio-system', 'istio-ca-root-cert', '{.data.root-cert\\.pem}');
    const inMember = await waitFor(s, ['get', 'cm', '-n', 'bookinfo', 'istio-ca-root-cert', '-o', 'jsonpath={.data.root-cert\\.pem}'], (o) => o !== '', 'the root certificate in bookinfo');
    assert.equal(inMember, root);
    assert.match(root, /^-----BEGIN CERTIFICATE-----/);
  });

  it('un-meshes a namespace removed from the roll', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: ROLL(['knative-serving', 'bookinfo']) });
    await rollReady('2/2 Configured');
    await waitFor(s, ['get', 'ns', 'knative-eventing', '-o', 'jsonpath={.metadata.labels}'], (o) => !o.includes('maistra.io/member-of'), 'the member-of label to go');
    assert.equal((await s.kubectl(['get', 'smm', '-n', 'knative-eventing', 'default'])).code, 1);
    await waitFor(s, ['get', 'netpol,cm', '-n', 'knative-eventing', '-o', 'name'], (o) => !o.includes('istio-'), 'the mesh objects to leave knative-eventing');
    assert.equal(await memberOf('knative-serving'), 'istio-system');
  });

  it('joins a namespace through its own ServiceMeshMember, which the roll then reports', async () => {
    await s.kubectl.ok(['create', 'ns', 'payments']);
    assert.match(await s.kubectl.ok(['apply', '-f', '-'], { stdin: MEMBER('payments', 'istio-system', 'basic') }), /servicemeshmember.maistra.io\/default created/);
    await s.kubectl.ok(['wait', '-n', 'payments', 'smm/default', '--for=condition=Ready', '--timeout=60s']);
    assert.equal(await memberOf('payments'), 'istio-system');
    const smm = await getJson<Obj<unknown, MemberStatus>>(s, 'get', 'smm', '-n', 'payments', 'default');
    assert.deepEqual(smm.status.annotations, { controlPlaneRef: 'istio-system/basic' });
    assert.deepEqual(smm.status.conditions.map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '']), [['Reconciled', 'True', '', ''], ['Ready', 'True', '', '']]);
    assert.deepEqual([smm.status.observedGeneration, smm.status.meshGeneration, smm.status.meshReconciledVersion], [1, 1, '2.5.1-1']);
    await rollReady('3/3 Configured');
    const current = await roll();
    assert.deepEqual(current.spec.members, ['knative-serving', 'bookinfo'], 'the member does not edit the roll\'s spec');
    assert.deepEqual(current.status.members, ['bookinfo', 'knative-serving', 'payments']);
    // Deleting the member (a user's, not the roll's) takes its namespace out again.
    await s.kubectl.ok(['delete', 'smm', '-n', 'payments', 'default', '--timeout=60s']);
    assert.equal(await memberOf('payments'), '');
    await rollReady('2/2 Configured');
  });

  it('reports a member whose control plane does not exist', async () => {
    await s.kubectl.ok(['create', 'ns', 'orphan']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: MEMBER('orphan', 'istio-system', 'nope') });
    const out = await waitFor(s, ['get', 'smm', '-n', 'orphan', 'default', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}/{.status.conditions[?(@.type=="Ready")].reason}/{.status.conditions[?(@.type=="Ready")].message}'], (o) => o.startsWith('False/'), 'a failed member');
    assert.equal(out, 'False/ErrorControlPlaneMissing/the referenced ServiceMeshControlPlane object does not exist');
    assert.match(await s.kubectl.ok(['get', 'smm', '-n', 'orphan']), /\ndefault\s+istio-system\/nope\s+False\s+\d+s\n/);
    assert.equal(await memberOf('orphan'), '');
    await s.kubectl.ok(['delete', 'smm', '-n', 'orphan', 'default', '--timeout=60s']);
  });

  it('creates the member roll of a mesh that has none for a member, and removes it with the last member', async () => {
    await s.kubectl.ok(['create', 'ns', 'mesh2']);
    await s.kubectl.ok(['create', 'ns', 'app2']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: 'apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata: {name: second, namespace: mesh2}\nspec: {gateways: {enabled: false}}\n' });
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: MEMBER('app2', 'mesh2', 'second') });
    await s.kubectl.ok(['wait', '-n', 'app2', 'smm/default', '--for=condition=Ready', '--timeout=60s']);
    assert.equal(await memberOf('app2'), 'mesh2');
    const created = await roll('mesh2');
    assert.deepEqual(created.metadata.annotations, { 'maistra.io/created-by': 'servicemeshmember-controller' });
    assert.deepEqual(created.spec, {});
    await waitFor(s, ['get', 'smmr', '-n', 'mesh2', 'default', '-o', 'jsonpath={.status.members}'], (o) => o === '["app2"]', 'app2 in the roll of mesh2');
    await s.kubectl.ok(['delete', 'smm', '-n', 'app2', 'default', '--timeout=60s']);
    await waitFor(s, ['get', 'smmr', '-n', 'mesh2', '-o', 'name'], (o) => o.trim() === '', 'the created roll to go');
  });

  it('reports a member roll without a control plane', async () => {
    await s.kubectl.ok(['create', 'ns', 'nomesh']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: ROLL(['bookinfo2']).replaceAll('istio-system', 'nomesh') });
    const out = await waitFor(s, ['get', 'smmr', '-n', 'nomesh'], (o) => /ErrSMCPMissing/.test(o), 'ErrSMCPMissing');
    assert.match(out, /^NAME\s+READY\s+STATUS\s+AGE\ndefault\s+0\/1\s+ErrSMCPMissing\s+\d+s\n$/);
    assert.equal(await jsonpath(s, 'smmr', 'nomesh', 'default', '{.status.conditions[0].message}'), 'No ServiceMeshControlPlane exists in the namespace');
  });
});
