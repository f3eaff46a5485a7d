/**
 * The everyday kubectl verbs against a real skiff: get/create/apply/replace/patch/label/
 * annotate/delete, output formats, tables, dry-run, diff, and the namespaces a fresh skiff has.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

describe('kubectl CRUD against skiff', () => {
  let s: TestSkiff;
  const dir = mkdtempSync(join(tmpdir(), 'skiff-crud-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  before(async () => {
    s = await startTestSkiff();
  });
  after(async () => {
    await s?.stop();
  });

  it('has the namespaces of a cluster with the mesh and serverless operators', async () => {
    const out = await s.kubectl.ok(['get', 'ns']);
    assert.match(out, /^NAME\s+STATUS\s+AGE/m);
    for (const ns of ['default', 'kube-system', 'istio-system', 'knative-serving', 'knative-eventing']) assert.match(out, new RegExp(`^${ns}\\s+Active`, 'm'));
    const label = await s.kubectl.ok(['get', 'ns', 'default', '-o', 'jsonpath={.metadata.labels.kubernetes\\.io/metadata\\.name}']);
    assert.equal(label, 'default');
  });

  it('creates a ConfigMap from literals (protobuf body) and prints it', async () => {
    assert.match(await s.kubectl.ok(['create', 'configmap', 'cm1', '--from-literal=a=1', '--from-literal=b=2']), /configmap\/cm1 created/);
    const table = await s.kubectl.ok(['get', 'cm', 'cm1']);
    assert.match(table, /^NAME\s+DATA\s+AGE\ncm1\s+2\s+\d+s/m);
    const obj = JSON.parse(await s.kubectl.ok(['get', 'configmap', 'cm1', '-o', 'json']));
    assert.deepEqual(obj.data, { a: '1', b: '2' });
    assert.match(obj.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(obj.metadata.resourceVersion, /^\d+$/);
    const dup = await s.kubectl(['create', 'configmap', 'cm1', '--from-literal=a=1']);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /failed to create configmap: configmaps "cm1" already exists/);
  });

  it('applies, re-applies (strategic merge) and reports unchanged', async () => {
    const v1 = file('deploy.yaml', `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: a
        image: nginx:1
        env: [{name: X, value: "1"}, {name: YY, value: "2"}]
      - name: b
        image: redis
`);
    assert.match(await s.kubectl.ok(['apply', '-f', v1]), /deployment.apps\/web created/);
    assert.match(await s.kubectl.ok(['apply', '-f', v1]), /deployment.apps\/web unchanged/);
    const v2 = file('deploy2.yaml', `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  strategy: {type: Recreate}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: c
        image: busybox
      - name: a
        image: nginx:2
        env: [{name: X, value: "1"}]
`);
    assert.match(await s.kubectl.ok(['apply', '-f', v2]), /deployment.apps\/web configured/);
    const d = JSON.parse(await s.kubectl.ok(['get', 'deploy', 'web', '-o', 'json']));
    assert.deepEqual(d.spec.template.spec.containers.map((c: { name: string }) => c.name), ['c', 'a']);
    assert.deepEqual(d.spec.template.spec.containers[1].env, [{ name: 'X', value: '1' }]);
    assert.equal(d.spec.strategy.type, 'Recreate');
    assert.equal(d.spec.strategy.rollingUpdate, undefined);
    assert.equal(d.metadata.generation, 2);
    // Defaults as Kubernetes sets them.
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.template.spec.restartPolicy, 'Always');
    assert.equal(d.spec.template.spec.containers[0].terminationMessagePath, '/dev/termination-log');
  });

  it('patches with json, merge and strategic patches, and labels/annotates', async () => {
    await s.kubectl.ok(['create', 'configmap', 'p1', '--from-literal=k=v']);
    await s.kubectl.ok(['patch', 'cm', 'p1', '--type', 'merge', '-p', '{"data":{"m":"1"}}']);
    await s.kubectl.ok(['patch', 'cm', 'p1', '--type', 'json', '-p', '[{"op":"add","path":"/data/j","value":"2"}]']);
    await s.kubectl.ok(['patch', 'cm', 'p1', '-p', '{"data":{"k":null}}']);
    const cm = JSON.parse(await s.kubectl.ok(['get', 'cm', 'p1', '-o', 'json']));
    assert.deepEqual(cm.data, { m: '1', j: '2' });
    await s.kubectl.ok(['label', 'cm', 'p1', 'tier=a']);
    const relabel = await s.kubectl(['label', 'cm', 'p1', 'tier=b']);
    assert.notEqual(relabel.code, 0);
    assert.match(relabel.stderr, /already has a value \(a\), and --overwrite is false/);
    await s.kubectl.ok(['label', 'cm', 'p1', 'tier=b', '--overwrite']);
    await s.kubectl.ok(['annotate', 'cm', 'p1', 'note=x']);
    assert.match(await s.kubectl.ok(["get", "cm", "-l", "tier=b", "--show-labels"]), /p1\s+2\s+\S+\s+tier=b/);
    await s.kubectl.ok(['label', 'cm', 'p1', 'tier-']);
    assert.match(await s.kubectl.ok(['get', 'cm', 'p1', '--show-labels']), /<none>/);
    const bad = await s.kubectl(['patch', 'cm', 'p1', '--type', 'json', '-p', '[{"op":"remove","path":"/data/nope"}]']);
    assert.notEqual(bad.code, 0);
  });

  it('replaces with optimistic concurrency and rejects stale writes', async () => {
    await s.kubectl.ok(['create', 'configmap', 'r1', '--from-literal=k=v']);
    const obj = JSON.parse(await s.kubectl.ok(['get', 'cm', 'r1', '-o', 'json']));
    obj.data.k = 'v2';
    const p = file('r1.json', JSON.stringify(obj));
    assert.match(await s.kubectl.ok(['replace', '-f', p]), /configmap\/r1 replaced/);
    const stale = await s.kubectl(['replace', '-f', p]);
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /Operation cannot be fulfilled on configmaps "r1": the object has been modified; please apply your changes to the latest version and try again/);
  });

  it('supports output formats, selectors and -A', async () => {
    assert.equal(await s.kubectl.ok(['get', 'cm', 'cm1', '-o', 'name']), 'configmap/cm1\n');
    assert.equal(await s.kubectl.ok(['get', 'cm', 'cm1', '-o', 'jsonpath={.data.a}']), '1');
    assert.match(await s.kubectl.ok(['get', 'cm', '-o', 'custom-columns=N:.metadata.name,A:.data.a']), /^N\s+A\ncm1\s+1/m);
    assert.match(await s.kubectl.ok(['get', 'cm', '--field-selector', 'metadata.name=cm1']), /cm1/);
    const bad = await s.kubectl(['get', 'cm', '--field-selector', 'data.a=1']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /field label not supported: data\.a/);
    assert.match(await s.kubectl.ok(['get', 'ns', '-A']), /knative-serving/);
    assert.match(await s.kubectl.ok(['get', 'deploy', '-A', '-o', 'wide']), /^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/m);
    const yaml = await s.kubectl.ok(['get', 'cm', '-o', 'yaml']);
    assert.match(yaml, /^kind: List/m);
  });

  it('dry-runs on the server and diffs', async () => {
    const p = file('dry.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\ndata: {a: "1"}\n');
    assert.match(await s.kubectl.ok(['apply', '-f', p, '--dry-run=server']), /configmap\/dry created \(server dry run\)/);
    assert.notEqual((await s.kubectl(['get', 'cm', 'dry'])).code, 0);
    const diff = await s.kubectl(['diff', '-f', p]);
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, /\+ {2}a: "1"/);
  });

  it('deletes and waits; deletes by label and --all', async () => {
    assert.match(await s.kubectl.ok(['delete', 'cm', 'r1']), /configmap "r1" deleted/);
    await s.kubectl.ok(['create', 'configmap', 'l1', '--from-literal=a=1']);
    await s.kubectl.ok(['label', 'cm', 'l1', 'x=y']);
    assert.match(await s.kubectl.ok(['delete', 'cm', '-l', 'x=y']), /configmap "l1" deleted/);
    await s.kubectl.ok(['create', 'namespace', 'scratch']);
    await s.kubectl.ok(['create', 'configmap', 'a', '-n', 'scratch']);
    await s.kubectl.ok(['create', 'configmap', 'b', '-n', 'scratch']);
    assert.match(await s.kubectl.ok(['delete', 'cm', '--all', '-n', 'scratch']), /configmap "a" deleted\nconfigmap "b" deleted/);
    const missing = await s.kubectl(['delete', 'cm', 'nope']);
    assert.match(missing.stderr, /Error from server \(NotFound\): configmaps "nope" not found/);
  });

  it('lists api-resources and api-versions', async () => {
    const res = await s.kubectl.ok(['api-resources']);
    for (const line of [/^configmaps\s+cm\s+v1\s+true\s+ConfigMap/m, /^servicemeshcontrolplanes\s+smcp\s+maistra.io\/v2\s+true\s+ServiceMeshControlPlane/m, /^services\s+kservice,ksvc\s+serving.knative.dev\/v1\s+true\s+Service/m, /^gateways\s+gw\s+networking.istio.io\/v1\s+true\s+Gateway/m]) {
      assert.match(res, line);
    }
    const versions = await s.kubectl.ok(['api-versions']);
    assert.match(versions, /^maistra.io\/v1$/m);
    assert.match(versions, /^networking.istio.io\/v1alpha3$/m);
  });
});
