/**
 * A user's CustomResourceDefinition end to end: applied, Established, served (create, get,
 * list, delete), its schema validating (422 with every field error) and defaulting custom
 * resources, its short names and categories resolving in kubectl, and its deletion removing
 * every custom resource and the kind from discovery.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiFor, type Api } from '../support/api.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { waitFor } from '../support/runtime.ts';
import { WIDGET_CRD, widget } from '../support/widget-crd.ts';

interface Crd {
  metadata: { finalizers?: string[] };
  status: { acceptedNames: Record<string, unknown>; storedVersions: string[]; conditions: Array<{ type: string; status: string; reason: string; message: string }> };
}

describe('user CRDs', () => {
  let s: TestSkiff;
  let api: Api;
  const create = (text: string) => s.kubectl(['create', '-f', '-'], { stdin: text });

  before(async () => {
    s = await startTestSkiff();
    api = apiFor({ apiServer: s.skiff.info.apiServer, dataDir: s.dataDir });
  });
  after(async () => {
    await s?.stop();
  });

  it('applies a CRD and reports it Established with its accepted names', async () => {
    assert.equal(await s.kubectl.ok(['apply', '-f', '-'], { stdin: WIDGET_CRD }), 'customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n');
    assert.equal(await s.kubectl.ok(['wait', '--for', 'condition=established', '--timeout=20s', 'crd/widgets.example.com']), 'customresourcedefinition.apiextensions.k8s.io/widgets.example.com condition met\n');
    const crd = JSON.parse(await s.kubectl.ok(['get', 'crd', 'widgets.example.com', '-o', 'json'])) as Crd;
    assert.deepEqual(crd.status.acceptedNames, { plural: 'widgets', singular: 'widget', shortNames: ['wg'], kind: 'Widget', listKind: 'WidgetList', categories: ['gadgets'] });
    assert.deepEqual(crd.status.storedVersions, ['v1']);
    const conditions = Object.fromEntries(crd.status.conditions.map((c) => [c.type, `${c.status} ${c.reason}: ${c.message}`]));
    assert.deepEqual(conditions, { NamesAccepted: 'True NoConflicts: no conflicts found', Established: 'True InitialNamesAccepted: the initial names have been accepted' });
    assert.deepEqual(crd.metadata.finalizers, ['customresourcecleanup.apiextensions.k8s.io']);
    assert.match(await s.kubectl.ok(['api-resources', '--api-group=example.com']), /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\nwidgets\s+wg\s+example\.com\/v1\s+true\s+Widget\n$/);
  });

  it('refuses an invalid CRD with 422', async () => {
    const bad = WIDGET_CRD.replace('name: widgets.example.com', 'name: things.example.com');
    const r = await s.kubectl(['apply', '-f', '-'], { stdin: bad });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The CustomResourceDefinition "things\.example\.com" is invalid: metadata\.name: Invalid value: "things\.example\.com": must be spec\.names\.plural\+"\."\+spec\.group/);
  });

  it('creates, gets, lists and deletes custom resources, applying schema defaults', async () => {
    assert.equal((await create(widget('w1', { size: 1 }))).stdout, 'widget.example.com/w1 created\n');
    assert.equal((await create(widget('w2', { size: 2, color: 'green' }))).stdout, 'widget.example.com/w2 created\n');
    const w1 = JSON.parse(await s.kubectl.ok(['get', 'widget', 'w1', '-o', 'json'])) as { apiVersion: string; kind: string; spec: Record<string, unknown>; metadata: { uid: string; generation: number } };
    assert.equal(w1.apiVersion, 'example.com/v1');
    assert.equal(w1.kind, 'Widget');
    assert.deepEqual(w1.spec, { size: 1, color: 'red' }, 'the schema default fills spec.color');
    assert.equal(await s.kubectl.ok(['get', 'widgets', '-o', 'jsonpath={.items[*].spec.color}']), 'red green');

    const list = await api.get<{ kind: string; apiVersion: string; items: unknown[]; metadata: { resourceVersion: string } }>('/apis/example.com/v1/namespaces/default/widgets');
    assert.equal(list.body.kind, 'WidgetList');
    assert.equal(list.body.apiVersion, 'example.com/v1');
    assert.equal(list.body.items.length, 2);
    assert.match(list.body.metadata.resourceVersion, /^\d+$/);

    const dup = await create(widget('w1', { size: 1 }));
    assert.equal(dup.stderr.trim(), 'Error from server (AlreadyExists): error when creating "STDIN": widgets.example.com "w1" already exists');
    assert.equal(await s.kubectl.ok(['delete', 'widget', 'w2']), 'widget.example.com "w2" deleted\n');
    const missing = await s.kubectl(['get', 'widget', 'w2']);
    assert.equal(missing.stderr.trim(), 'Error from server (NotFound): widgets.example.com "w2" not found');
  });

  it('validates custom resources against the schema: 422 with every offending field', async () => {
    const required = await create(widget('bad', {}));
    assert.equal(required.code, 1);
    assert.equal(required.stderr.trim(), 'The Widget "bad" is invalid: spec.size: Required value');

    const bounds = await create(widget('bad', { size: 11 }));
    assert.equal(bounds.stderr.trim(), 'The Widget "bad" is invalid: spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10');

    const both = await create(widget('bad', { size: 0, color: 'purple' }));
    assert.equal(both.code, 1);
    const lines = both.stderr.trim().split('\n');
    assert.equal(lines[0], 'The Widget "bad" is invalid: ');
    assert.deepEqual(lines.slice(1).sort(), [
      '* spec.color: Unsupported value: "purple": supported values: "red", "green", "blue"',
      '* spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
    ]);

    const type = await create(widget('bad', { size: 'big' }));
    assert.equal(type.stderr.trim(), 'The Widget "bad" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"');

    const unknown = await create(widget('bad', { size: 1, extra: true }));
    assert.equal(unknown.stderr.trim(), 'Error from server (BadRequest): error when creating "STDIN": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.extra"');
    assert.equal((await s.kubectl(['get', 'widget', 'bad'])).code, 1, 'nothing invalid was stored');

    // Updates are validated too.
    const update = await s.kubectl(['patch', 'widget', 'w1', '--type=merge', '-p', '{"spec":{"size":99}}']);
    assert.equal(update.stderr.trim(), 'The Widget "w1" is invalid: spec.size: Invalid value: 99: spec.size in body should be less than or equal to 10');
  });

  it('resolves short names, singular, kind and categories', async () => {
    for (const name of ['wg', 'widget', 'widgets', 'Widget', 'widgets.example.com', 'widgets.v1.example.com', 'gadgets']) {
      assert.match(await s.kubectl.ok(['get', name, '-o', 'name']), /^widget\.example\.com\/w1\n$/, name);
    }
    assert.match(await s.kubectl.ok(['get', 'wg/w1', '-o', 'name']), /^widget\.example\.com\/w1\n$/);
    const discovery = await api.get<{ resources: Array<{ name: string; shortNames?: string[]; categories?: string[]; namespaced: boolean; kind: string }> }>('/apis/example.com/v1');
    const widgets = discovery.body.resources.find((r) => r.name === 'widgets')!;
    assert.deepEqual({ shortNames: widgets.shortNames, categories: widgets.categories, namespaced: widgets.namespaced, kind: widgets.kind }, { shortNames: ['wg'], categories: ['gadgets'], namespaced: true, kind: 'Widget' });
    assert.ok(discovery.body.resources.some((r) => r.name === 'widgets/status'));
  });

  it('a changed schema reaches stored objects when they are read, as kube-apiserver decodes them: a new default shows, a dropped field goes, nothing is written', async () => {
    await create(widget('w4', { size: 4, owner: 'ann' }));
    const rv = () => s.kubectl.ok(['get', 'widget', 'w4', '-o', 'jsonpath={.metadata.resourceVersion}']);
    const written = await rv();
    const watchW4 = () => api.watch('/apis/example.com/v1/namespaces/default/widgets?watch=1&fieldSelector=metadata.name%3Dw4');
    // A CRD write that changes neither spec nor names leaves watches open.
    const early = await watchW4();
    assert.deepEqual((await early.next(10_000)).object.spec, { size: 4, owner: 'ann', color: 'red' });
    await s.kubectl.ok(['label', 'crd', 'widgets.example.com', 'reviewed=yes']);
    await s.kubectl.ok(['label', 'widget', 'w4', 'seen=yes']);
    assert.equal((await early.next(10_000)).type, 'MODIFIED', 'still open after a metadata-only CRD write');
    const seenRv = await rv();

    const changed = WIDGET_CRD.replace('              owner: {type: string}\n', '              shape: {type: string, default: round}\n');
    assert.notEqual(changed, WIDGET_CRD);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: changed });
    // The new schema ends the kind's open watches, as its storage is rebuilt upstream.
    await early.ended(20_000);
    // Resuming from before the change is refused (410): a client lists again, under the new schema.
    const resumed = await api.watch(`/apis/example.com/v1/namespaces/default/widgets?watch=1&resourceVersion=${seenRv}`);
    const refusal = await resumed.next(10_000);
    resumed.close();
    assert.deepEqual([refusal.type, refusal.object.code, refusal.object.reason], ['ERROR', 410, 'Expired']);
    const spec = await waitFor('w4 read with the new schema', async () => {
      const text = await s.kubectl.ok(['get', 'widget', 'w4', '-o', 'jsonpath={.spec}']);
      return text.includes('shape') ? text : undefined;
    }, 20_000);
    assert.deepEqual(JSON.parse(spec), { size: 4, color: 'red', shape: 'round' });
    assert.equal(await s.kubectl.ok(['get', 'widgets', '-o', 'jsonpath={.items[?(@.metadata.name=="w4")].spec.shape}']), 'round', 'lists decode the same way');
    const watch = await watchW4();
    try {
      assert.deepEqual((await watch.next(10_000)).object.spec, { size: 4, color: 'red', shape: 'round' }, 'and watches');
    } finally {
      watch.close();
    }
    assert.equal(await rv(), seenRv, 'no write happened');
    assert.notEqual(seenRv, written);

    // Writing the object back as read is a write, not a no-op: it differs from what is stored
    // (GuaranteedUpdate compares with the stored bytes). Once stored, the same is a no-op.
    await s.kubectl.ok(['replace', '-f', '-'], { stdin: await s.kubectl.ok(['get', 'widget', 'w4', '-o', 'json']) });
    const migrated = await rv();
    assert.notEqual(migrated, seenRv, 'the decoded form was stored');
    await s.kubectl.ok(['replace', '-f', '-'], { stdin: await s.kubectl.ok(['get', 'widget', 'w4', '-o', 'json']) });
    assert.equal(await rv(), migrated, 'unchanged: nothing written');

    await s.kubectl.ok(['apply', '-f', '-'], { stdin: WIDGET_CRD });
    const after = await waitFor('w4 read with the first schema again', async () => {
      const text = await s.kubectl.ok(['get', 'widget', 'w4', '-o', 'jsonpath={.spec}']);
      return text.includes('shape') ? undefined : text;
    }, 20_000);
    // Without that write, owner would be back: it was stored and is known again.
    assert.deepEqual(JSON.parse(after), { size: 4, color: 'red' }, 'the write stored the decoded object; shape, unknown again, is pruned on read');
  });

  it('deleting the CRD deletes its custom resources and takes the kind out of discovery', async () => {
    await s.kubectl.ok(['create', 'namespace', 'other']);
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('w3', { size: 3 }, { namespace: 'other' }) });
    assert.equal(await s.kubectl.ok(['delete', 'crd', 'widgets.example.com', '--timeout=30s']), 'customresourcedefinition.apiextensions.k8s.io "widgets.example.com" deleted\n');
    assert.equal((await s.kubectl(['get', 'crd', 'widgets.example.com'])).code, 1);
    assert.equal(await s.kubectl.ok(['api-resources', '--api-group=example.com', '--no-headers']), '');
    const groups = await api.get<{ groups: Array<{ name: string }> }>('/apis');
    assert.ok(!groups.body.groups.some((g) => g.name === 'example.com'), 'the group left /apis');
    assert.equal((await api.get('/apis/example.com/v1/namespaces/default/widgets')).status, 404);

    // Re-created, the kind starts empty: the old custom resources are gone for good.
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: WIDGET_CRD });
    await s.kubectl.ok(['wait', '--for', 'condition=established', '--timeout=20s', 'crd/widgets.example.com']);
    const after = await api.get<{ items: unknown[] }>('/apis/example.com/v1/widgets');
    assert.equal(after.status, 200);
    assert.deepEqual(after.body.items, []);
  });
});
