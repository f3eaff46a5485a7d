/**
 * Deletion as a real cluster does it: finalizers hold an object (deletionTimestamp set,
 * generation bumped, no new finalizers), ownerReferences garbage collection with
 * background/foreground/orphan propagation, and namespace deletion (Terminating, content
 * removed, 403 for new content, deletion conditions, then the namespace).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { installWidgetCrd, widget } from '../support/widget-crd.ts';

interface Meta {
  uid: string;
  generation?: number;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  finalizers?: string[];
  ownerReferences?: Array<{ uid: string }>;
}
interface Obj {
  metadata: Meta;
  status?: { phase?: string; conditions?: Array<{ type: string; status: string; reason: string; message: string }> };
  spec?: { finalizers?: string[] };
}

const HOLD = 'example.com/hold';

describe('deletion: finalizers, garbage collection, namespaces', () => {
  let s: TestSkiff;
  const get = async (...args: string[]) => JSON.parse(await s.kubectl.ok(['get', ...args, '-o', 'json'])) as Obj;
  const exists = async (...args: string[]) => (await s.kubectl(['get', ...args, '--ignore-not-found', '-o', 'name'])).stdout.trim() !== '';
  const uidOf = async (...args: string[]) => (await get(...args)).metadata.uid;
  const removeFinalizers = (...target: string[]) => s.kubectl.ok(['patch', ...target, '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
  /** A ConfigMap owned by `owner` (apiVersion/kind/name/uid), optionally held by a finalizer. */
  const dependent = (name: string, owner: { apiVersion: string; kind: string; name: string; uid: string }, opts: { finalizers?: string[]; block?: boolean } = {}) =>
    s.kubectl.ok(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name, ...(opts.finalizers ? { finalizers: opts.finalizers } : {}), ownerReferences: [{ ...owner, ...(opts.block !== false ? { blockOwnerDeletion: true } : {}) }] },
        data: { owned: 'yes' },
      }),
    });
  const ownerCm = async (name: string) => {
    await s.kubectl.ok(['create', 'configmap', name, '--from-literal=a=1']);
    return { apiVersion: 'v1', kind: 'ConfigMap', name, uid: await uidOf('cm', name) };
  };

  before(async () => {
    s = await startTestSkiff();
    await installWidgetCrd(s.kubectl);
  });
  after(async () => {
    await s?.stop();
  });

  it('holds an object with a finalizer: deletionTimestamp set, object kept until the finalizer is removed', async () => {
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('held', { size: 1 }, { finalizers: [HOLD] }) });
    const r = await s.kubectl(['delete', 'widget', 'held', '--wait=false']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'widget.example.com "held" deleted');
    const held = await get('widget', 'held');
    assert.match(held.metadata.deletionTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(held.metadata.deletionGracePeriodSeconds, 0);
    assert.deepEqual(held.metadata.finalizers, [HOLD]);
    assert.equal(held.metadata.generation, 2, 'graceful deletion bumps the generation of a custom resource');

    // Deleting again changes nothing.
    await s.kubectl.ok(['delete', 'widget', 'held', '--wait=false']);
    assert.equal((await get('widget', 'held')).metadata.deletionTimestamp, held.metadata.deletionTimestamp);

    // Other writes still work; new finalizers do not.
    await s.kubectl.ok(['label', 'widget', 'held', 'still=writable']);
    const add = await s.kubectl(['patch', 'widget', 'held', '--type=json', '-p', '[{"op":"add","path":"/metadata/finalizers/-","value":"example.com/more"}]']);
    assert.equal(add.code, 1);
    assert.equal(add.stderr.trim(), 'The Widget "held" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/more"}');

    await removeFinalizers('widget', 'held');
    assert.equal(await exists('widget', 'held'), false, 'removing the last finalizer removes the object');
  });

  it('kubectl delete (waiting) returns once the finalizer is removed', async () => {
    await s.kubectl.ok(['create', 'configmap', 'waited', '--from-literal=a=1']);
    await s.kubectl.ok(['patch', 'cm', 'waited', '-p', `{"metadata":{"finalizers":["${HOLD}"]}}`]);
    const deleting = s.kubectl(['delete', 'cm', 'waited', '--timeout=20s']);
    await s.kubectl.ok(['wait', '--for=jsonpath={.metadata.deletionGracePeriodSeconds}=0', '--timeout=20s', 'cm/waited']);
    await removeFinalizers('cm', 'waited');
    const done = await deleting;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout.trim(), 'configmap "waited" deleted');
    assert.equal(await exists('cm', 'waited'), false);
  });

  it('--cascade=background deletes the owner at once and its dependents after it', async () => {
    const owner = await ownerCm('bg-owner');
    await dependent('bg-a', owner);
    await dependent('bg-b', owner, { block: false });
    assert.match(await s.kubectl.ok(['delete', 'cm', 'bg-owner', '--cascade=background']), /configmap "bg-owner" deleted/);
    assert.equal(await exists('cm', 'bg-owner'), false);
    await s.kubectl.ok(['wait', '--for=delete', '--timeout=20s', 'cm/bg-a', 'cm/bg-b']);
  });

  it('a Deployment deleted in the background takes its ReplicaSet with it', async () => {
    await s.kubectl.ok(['create', 'deployment', 'gc', '--image=nginx']);
    const uid = await uidOf('deploy', 'gc');
    const rs = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: 'gc-rs', labels: { app: 'gc' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gc', uid, controller: true, blockOwnerDeletion: true }] },
      spec: { replicas: 0, selector: { matchLabels: { app: 'gc' } }, template: { metadata: { labels: { app: 'gc' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    };
    await s.kubectl.ok(['create', '-f', '-'], { stdin: JSON.stringify(rs) });
    await s.kubectl.ok(['delete', 'deploy', 'gc']);
    await s.kubectl.ok(['wait', '--for=delete', '--timeout=20s', 'rs/gc-rs']);
  });

  it('--cascade=foreground keeps the owner (foregroundDeletion) until blocking dependents are gone', async () => {
    const owner = await ownerCm('fg-owner');
    await dependent('fg-held', owner, { finalizers: [HOLD] });
    await dependent('fg-free', owner);
    // kubectl delete --cascade=foreground waits until the owner is gone.
    const deleting = s.kubectl(['delete', 'cm', 'fg-owner', '--cascade=foreground', '--timeout=30s']);

    // The owner waits, marked; its free dependent goes; the held one is being deleted.
    await s.kubectl.ok(['wait', '--for=delete', '--timeout=20s', 'cm/fg-free']);
    await s.kubectl.ok(['wait', '--for=jsonpath={.metadata.deletionGracePeriodSeconds}=0', '--timeout=20s', 'cm/fg-held']);
    const waiting = await get('cm', 'fg-owner');
    assert.ok(waiting.metadata.deletionTimestamp);
    assert.deepEqual(waiting.metadata.finalizers, ['foregroundDeletion']);

    await removeFinalizers('cm', 'fg-held');
    const done = await deleting;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout.trim(), 'configmap "fg-owner" deleted');
    assert.equal(await exists('cm', 'fg-owner'), false);
    assert.equal(await exists('cm', 'fg-held'), false);

    // --wait=false returns at once, with the owner still there.
    const quick = await ownerCm('fg-quick');
    await dependent('fg-quick-held', quick, { finalizers: [HOLD] });
    const r = await s.kubectl(['delete', 'cm', 'fg-quick', '--cascade=foreground', '--wait=false']);
    assert.equal(r.code, 0, r.stderr);
    await s.kubectl.ok(['wait', '--for=jsonpath={.metadata.deletionGracePeriodSeconds}=0', '--timeout=20s', 'cm/fg-quick-held']);
    assert.deepEqual((await get('cm', 'fg-quick')).metadata.finalizers, ['foregroundDeletion']);
    await removeFinalizers('cm', 'fg-quick-held');
    await s.kubectl.ok(['wait', '--for=delete', '--timeout=20s', 'cm/fg-quick']);
  });

  it('collects the dependents of a custom resource, in the background and in the foreground', async () => {
    for (const name of ['cr-bg', 'cr-fg']) {
      await s.kubectl.ok(['create', '-f', '-'], { stdin: widget(name, { size: 1 }) });
      await dependent(`${name}-dep`, { apiVersion: 'example.com/v1', kind: 'Widget', name, uid: await uidOf('widget', name) });
    }
    await s.kubectl.ok(['delete', 'widget', 'cr-bg']);
    await s.kubectl.ok(['wait', '--for=delete', '--timeout=20s', 'cm/cr-bg-dep']);
    await s.kubectl.ok(['delete', 'widget', 'cr-fg', '--cascade=foreground', '--timeout=20s']);
    assert.equal(await exists('cm', 'cr-fg-dep'), false, 'a foreground deletion returns after the dependents are gone');
  });

  it('--cascade=orphan leaves the dependents living without the ownerReference', async () => {
    const owner = await ownerCm('or-owner');
    const other = await ownerCm('or-other');
    await dependent('or-a', owner);
    await s.kubectl.ok(['create', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'or-b', ownerReferences: [owner, other] } }),
    });
    assert.match(await s.kubectl.ok(['delete', 'cm', 'or-owner', '--cascade=orphan']), /configmap "or-owner" deleted/);
    assert.equal(await exists('cm', 'or-owner'), false);
    assert.equal((await get('cm', 'or-a')).metadata.ownerReferences, undefined);
    assert.deepEqual((await get('cm', 'or-b')).metadata.ownerReferences?.map((o) => o.uid), [other.uid]);
  });

  it('deletes a namespace: Terminating, content removed (held by a finalizer meanwhile), 403 for new content, then gone', async () => {
    await s.kubectl.ok(['create', 'namespace', 'doomed']);
    await s.kubectl.ok(['-n', 'doomed', 'create', 'configmap', 'c1', '--from-literal=a=1']);
    await s.kubectl.ok(['-n', 'doomed', 'create', 'secret', 'generic', 's1', '--from-literal=a=1']);
    await s.kubectl.ok(['-n', 'doomed', 'create', 'deployment', 'd1', '--image=nginx']);
    await s.kubectl.ok(['-n', 'doomed', 'create', 'service', 'clusterip', 'svc1', '--tcp=80:8080']);
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('w1', { size: 1 }, { namespace: 'doomed' }) });
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('held', { size: 1 }, { namespace: 'doomed', finalizers: [HOLD] }) });

    // kubectl delete waits until the namespace is gone.
    const deleting = s.kubectl(['delete', 'namespace', 'doomed', '--timeout=30s']);
    await s.kubectl.ok(['wait', '--for=jsonpath={.status.phase}=Terminating', '--timeout=20s', 'ns/doomed']);
    assert.match(await s.kubectl.ok(['get', 'ns', 'doomed']), /^doomed\s+Terminating\s+\d+s$/m);

    const create = await s.kubectl(['-n', 'doomed', 'create', 'configmap', 'late', '--from-literal=a=1']);
    assert.equal(create.code, 1);
    assert.equal(create.stderr.trim(), 'error: failed to create configmap: configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');

    // Everything but the held widget goes; the conditions say what is left and why.
    await s.kubectl.ok(['wait', '--for=condition=NamespaceFinalizersRemaining', '--timeout=20s', 'ns/doomed']);
    await s.kubectl.ok(['-n', 'doomed', 'wait', '--for=delete', '--timeout=20s', 'cm/c1', 'secret/s1', 'deploy/d1', 'svc/svc1', 'widget/w1']);
    await s.kubectl.ok(['wait', '--for=jsonpath={.status.conditions[?(@.type=="NamespaceContentRemaining")].message}=Some resources are remaining: widgets.example.com has 1 resource instances', '--timeout=20s', 'ns/doomed']);
    const ns = await get('ns', 'doomed');
    assert.equal(ns.status?.phase, 'Terminating');
    assert.deepEqual(ns.spec?.finalizers, ['kubernetes']);
    const conditions = Object.fromEntries((ns.status?.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason}: ${c.message}`]));
    assert.deepEqual(conditions, {
      NamespaceDeletionDiscoveryFailure: 'False ResourcesDiscovered: All resources successfully discovered',
      NamespaceDeletionGroupVersionParsingFailure: 'False ParsedGroupVersions: All legacy kube types successfully parsed',
      NamespaceDeletionContentFailure: 'False ContentDeleted: All content successfully deleted, may be waiting on finalization',
      NamespaceContentRemaining: 'True SomeResourcesRemain: Some resources are remaining: widgets.example.com has 1 resource instances',
      NamespaceFinalizersRemaining: `True SomeFinalizersRemain: Some content in the namespace has finalizers remaining: ${HOLD} in 1 resource instances`,
    });
    const yaml = await s.kubectl.ok(['get', 'ns', 'doomed', '-o', 'yaml']);
    assert.match(yaml, /deletionTimestamp: "/);
    assert.match(yaml, /phase: Terminating/);
    assert.match(yaml, /message: 'Some content in the namespace has finalizers remaining: example.com\/hold\s+in 1 resource instances'\n\s+reason: SomeFinalizersRemain\n\s+status: "True"\n\s+type: NamespaceFinalizersRemaining/);

    // Releasing the last object lets the namespace go, and kubectl delete returns.
    await removeFinalizers('-n', 'doomed', 'widget', 'held');
    const done = await deleting;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout.trim(), 'namespace "doomed" deleted');
    assert.equal(await exists('ns', 'doomed'), false);
  });
});
