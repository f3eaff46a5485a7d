/**
 * `kubectl describe` (kubectl's own describers for ConfigMap, Secret, Namespace, Deployment,
 * Service and the generic describer for custom kinds, each with the object's events) and
 * `kubectl edit` driven by a scripted EDITOR: a strategic merge patch for a built-in kind,
 * a JSON merge patch for a custom kind, and an invalid edit reported as kubectl does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { installGadgetCrd, requestContentTypes, scratchDir } from './verbs-fixtures.ts';

describe('kubectl describe and edit', () => {
  let s: TestSkiff;
  const scratch = scratchDir('skiff-verbs-describe-');
  const json = async (args: string[]) => JSON.parse(await s.kubectl.ok([...args, '-o', 'json']));
  /** An EDITOR that applies one sed expression to the file kubectl hands it. */
  const editor = (name: string, sedExpression: string): Record<string, string> => {
    const script = scratch.file(`${name}.sh`, `#!/bin/sh\nexec sed -i -e '${sedExpression}' "$1"\n`);
    chmodSync(script, 0o755);
    return { EDITOR: script, TMPDIR: scratch.dir };
  };
  /** A core/v1 Event about the object `resource` names (e.g. `cm/conf`), created as a controller would. */
  const recordEvent = async (resource: string, reason: string, message: string, type = 'Normal') => {
    const target = await json(['get', resource]);
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await s.kubectl.ok(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1', kind: 'Event',
        metadata: { name: `${target.metadata.name}.${reason.toLowerCase()}`, namespace: target.metadata.namespace },
        involvedObject: { apiVersion: target.apiVersion, kind: target.kind, name: target.metadata.name, namespace: target.metadata.namespace, uid: target.metadata.uid, resourceVersion: target.metadata.resourceVersion },
        reason, message, type,
        source: { component: 'verbs-test-controller' },
        firstTimestamp: at, lastTimestamp: at, count: 1,
      }),
    });
  };

  before(async () => {
    s = await startTestSkiff();
    await installGadgetCrd(s.kubectl);
    await s.kubectl.ok(['create', 'configmap', 'conf', '--from-literal=greeting=hello', '--from-literal=target=world']);
    await s.kubectl.ok(['label', 'cm', 'conf', 'app=demo']);
    await s.kubectl.ok(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret']);
    await s.kubectl.ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80']);
    await s.kubectl.ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: g1, labels: {app: demo}}\nspec: {size: 2, color: red, tags: [a, b]}\n' });
  });
  after(async () => {
    await s?.stop();
    scratch.remove();
  });

  it('describes a ConfigMap with its data and events', async () => {
    await recordEvent('configmap/conf', 'Reloaded', 'configuration reloaded by the app');
    const out = await s.kubectl.ok(['describe', 'configmap', 'conf']);
    assert.match(out, /^Name:\s+conf\nNamespace:\s+default\nLabels:\s+app=demo\nAnnotations:\s+<none>\n\nData\n====\n/m);
    // kubectl ranges over a Go map here: the keys come in any order.
    assert.match(out, /^greeting:\n----\nhello\n$/m);
    assert.match(out, /^target:\n----\nworld\n$/m);
    assert.match(out, /^BinaryData\n====\n/m);
    assert.match(out, /^Events:\n {2}Type\s+Reason\s+Age\s+From\s+Message\n {2}----\s+------\s+----\s+----\s+-------\n {2}Normal\s+Reloaded\s+\d+s\s+verbs-test-controller\s+configuration reloaded by the app\n/m);
  });

  it('describes a Secret without revealing values', async () => {
    const out = await s.kubectl.ok(['describe', 'secret', 'creds']);
    assert.match(out, /^Name:\s+creds\nNamespace:\s+default\nLabels:\s+<none>\nAnnotations:\s+<none>\n\nType:\s+Opaque\n\nData\n====\npassword:\s+6 bytes\n/m);
    assert.doesNotMatch(out, /s3cret/);
  });

  it('describes a Namespace', async () => {
    const out = await s.kubectl.ok(['describe', 'namespace', 'knative-serving']);
    assert.match(out, /^Name:\s+knative-serving\nLabels:\s+kubernetes\.io\/metadata\.name=knative-serving\n(.*\n)*Status:\s+Active\n/m);
  });

  it('describes a Deployment with its pod template and events', async () => {
    await recordEvent('deployment/web', 'ScalingReplicaSet', 'Scaled up replica set web-5d4c7b9f8 to 2');
    const out = await s.kubectl.ok(['describe', 'deployment', 'web']);
    for (const line of [
      /^Name:\s+web$/m, /^Namespace:\s+default$/m, /^CreationTimestamp:\s+\w{3}, \d{2} \w{3} \d{4} [\d:]{8} \+0000$/m, /^Labels:\s+app=web$/m, /^Selector:\s+app=web$/m,
      /^Replicas:\s+2 desired \| \d+ updated \| \d+ total \| \d+ available \| \d+ unavailable$/m, /^StrategyType:\s+RollingUpdate$/m,
      /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m, /^Pod Template:\n {2}Labels:\s+app=web\n {2}Containers:\n {3}nginx:\n {4}Image:\s+nginx:1\.27\n {4}Port:\s+80\/TCP\n/m,
      /^Events:\n {2}Type\s+Reason\s+Age\s+From\s+Message\n {2}----\s+------\s+----\s+----\s+-------\n/m,
      // The deployment controller records events of its own next to the test's.
      /^ {2}Normal\s+ScalingReplicaSet\s+\d+s\s+verbs-test-controller\s+Scaled up replica set web-5d4c7b9f8 to 2$/m,
    ]) assert.match(out, line);
  });

  it('describes a Service', async () => {
    const out = await s.kubectl.ok(['describe', 'service', 'web']);
    for (const line of [/^Name:\s+web$/m, /^Selector:\s+app=web$/m, /^Type:\s+ClusterIP$/m, /^IP:\s+127\.96\.\d+\.\d+$/m, /^IPs:\s+127\.96\.\d+\.\d+$/m, /^IP Family Policy:\s+SingleStack$/m, /^IP Families:\s+IPv4$/m, /^Port:\s+80-8080\s+80\/TCP$/m, /^TargetPort:\s+8080\/TCP$/m, /^Session Affinity:\s+None$/m, /^Events:\s+<none>$/m]) {
      assert.match(out, line);
    }
  });

  it('describes a custom resource with the generic describer and its events', async () => {
    await recordEvent('gadget/g1', 'Resized', 'gadget is too small', 'Warning');
    const out = await s.kubectl.ok(['describe', 'gadget', 'g1']);
    assert.match(out, /^Name:\s+g1\nNamespace:\s+default\nLabels:\s+app=demo\nAnnotations:\s+<none>\nAPI Version:\s+verbs\.example\.com\/v1\nKind:\s+Gadget\nMetadata:\n {2}Creation Timestamp:\s+\S+\n {2}Generation:\s+1\n {2}Resource Version:\s+\d+\n {2}UID:\s+[0-9a-f-]{36}\nSpec:\n {2}Color:\s+red\n {2}Size:\s+2\n {2}Tags:\n {4}a\n {4}b\nEvents:\n/m);
    assert.match(out, /^ {2}Warning\s+Resized\s+\d+s\s+verbs-test-controller\s+gadget is too small$/m);
    // Several objects at once, by label, across kinds.
    const both = await s.kubectl.ok(['describe', 'cm,gadget', '-l', 'app=demo']);
    assert.match(both, /^Name:\s+conf$/m);
    assert.match(both, /^Name:\s+g1$/m);
    const missing = await s.kubectl(['describe', 'gadget', 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): gadgets\.verbs\.example\.com "nope" not found/);
  });

  it('edits a Deployment with a strategic merge patch', async () => {
    const r = await s.kubectl(['edit', 'deployment', 'web', '-v=8'], { env: editor('deploy-image', 's/image: nginx:1.27/image: nginx:1.28/') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deployment.apps/web edited\n');
    assert.deepEqual(requestContentTypes(r.stderr, 'PATCH'), ['application/strategic-merge-patch+json']);
    const d = await json(['get', 'deploy', 'web', '--show-managed-fields']);
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.28');
    assert.equal(d.metadata.generation, 2);
    assert.ok(d.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'kubectl-edit' && m.operation === 'Update'));
    // An editor that changes nothing: kubectl sends nothing.
    const noop = await s.kubectl(['edit', 'deployment', 'web'], { env: editor('noop', 's/^$//') });
    assert.equal(noop.code, 0);
    assert.match(noop.stdout + noop.stderr, /Edit cancelled, no changes made\./);
  });

  it('edits a custom resource with a JSON merge patch', async () => {
    const r = await s.kubectl(['edit', 'gadget', 'g1', '-v=8'], { env: editor('gadget-size', 's/size: 2/size: 7/') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'gadget.verbs.example.com/g1 edited\n');
    assert.deepEqual(requestContentTypes(r.stderr, 'PATCH'), ['application/merge-patch+json']);
    const g = await json(['get', 'gadget', 'g1']);
    assert.deepEqual(g.spec, { size: 7, color: 'red', tags: ['a', 'b'] });
    assert.equal(g.metadata.generation, 2);
  });

  it('reports an edit that makes the object invalid and keeps a copy with the errors', async () => {
    for (const [target, sed, resource, cause] of [
      ['gadget/g1', 's/size: 7/size: 0/', 'gadgets.verbs.example.com "g1"', '# * spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1'],
      ['deployment/web', 's/replicas: 2/replicas: -1/', 'deployments.apps "web"', '# * spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ] as const) {
      const before = await json(['get', target]);
      const r = await s.kubectl(['edit', target], { env: editor(`invalid-${resource.split('.')[0]}`, sed) });
      assert.equal(r.code, 1);
      // kubectl reopens the file with the server's reasons; the editor changes nothing more.
      const copy = /A copy of your changes has been stored to "([^"]+)"/.exec(r.stderr)?.[1];
      assert.ok(copy, r.stderr);
      assert.equal(r.stderr, `error: ${resource} is invalid\nA copy of your changes has been stored to "${copy}"\nerror: Edit cancelled, no valid changes were saved.\n`);
      assert.equal(join(copy, '..'), scratch.dir);
      const saved = readFileSync(copy, 'utf8');
      assert.match(saved, new RegExp(`^# ${resource.replace(/\./g, '\\.')} was not valid:\n${cause.replace(/[.*]/g, '\\$&')}\n#\n`, 'm'));
      // Nothing stored (controllers may still write status, so compare what the edit touched).
      const now = await json(['get', target]);
      assert.deepEqual(now.spec, before.spec);
      assert.equal(now.metadata.generation, before.metadata.generation);
    }
  });
});
