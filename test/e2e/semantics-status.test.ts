/**
 * The status subresource and `kubectl wait`: /status writes change status only, status sent
 * to the main resource (create, update, patch, apply) is ignored for kinds that have the
 * subresource, and `kubectl wait` --for=condition / --for=jsonpath / --for=delete resolve
 * from watch events as they do against a real cluster.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { installWidgetCrd, widget } from '../support/widget-crd.ts';

interface Obj {
  metadata: { generation?: number; labels?: Record<string, string>; resourceVersion: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { loadBalancer?: { ingress?: unknown } };
}

const readyStatus = (observedGeneration: number) => JSON.stringify({
  status: { observedGeneration, conditions: [{ type: 'Ready', status: 'True', reason: 'Done', message: 'all good', observedGeneration, lastTransitionTime: '2024-01-01T00:00:00Z' }] },
});

describe('status subresource and kubectl wait', () => {
  let s: TestSkiff;
  const get = async (...args: string[]) => JSON.parse(await s.kubectl.ok(['get', ...args, '-o', 'json'])) as Obj;

  before(async () => {
    s = await startTestSkiff();
    await installWidgetCrd(s.kubectl);
  });
  after(async () => {
    await s?.stop();
  });

  it('changes status only through --subresource=status', async () => {
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('st', { size: 1 }) });
    const patch = JSON.stringify({ metadata: { labels: { sneaky: 'yes' } }, spec: { size: 9 }, status: { phase: 'Running' } });
    assert.match(await s.kubectl.ok(['patch', 'widget', 'st', '--subresource=status', '--type=merge', '-p', patch]), /widget.example.com\/st patched/);
    const w = await get('widget', 'st');
    assert.deepEqual(w.status, { phase: 'Running' });
    assert.equal(w.spec!.size, 1, 'spec is not written through /status');
    assert.equal(w.metadata.labels, undefined, 'metadata is not written through /status');
    assert.equal(w.metadata.generation, 1);
  });

  it('ignores status in a create and in main-resource writes of a kind with the subresource', async () => {
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('ign', { size: 1 }, { status: { phase: 'Bogus' } }) });
    assert.equal((await get('widget', 'ign')).status, undefined, 'create drops status');

    await s.kubectl.ok(['patch', 'widget', 'ign', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Real"}}']);
    await s.kubectl.ok(['patch', 'widget', 'ign', '--type=merge', '-p', '{"status":{"phase":"Overwritten"},"spec":{"size":2}}']);
    let w = await get('widget', 'ign');
    assert.deepEqual(w.status, { phase: 'Real' }, 'a main-resource patch keeps the stored status');
    assert.equal(w.spec!.size, 2);

    const replaced = { ...w, spec: { ...w.spec, size: 3 }, status: { phase: 'Replaced' } };
    await s.kubectl.ok(['replace', '-f', '-'], { stdin: JSON.stringify(replaced) });
    w = await get('widget', 'ign');
    assert.deepEqual(w.status, { phase: 'Real' }, 'a PUT keeps the stored status');
    assert.equal(w.spec!.size, 3);

    await s.kubectl.ok(['apply', '-f', '-'], { stdin: widget('applied', { size: 4 }, { status: { phase: 'Applied' } }) });
    assert.equal((await get('widget', 'applied')).status, undefined, 'apply cannot write status either');
  });

  it('ignores status on built-in kinds with the subresource (Service)', async () => {
    const svc = {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'st' },
      spec: { type: 'ClusterIP', selector: { app: 'st' }, ports: [{ port: 80 }] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
    };
    await s.kubectl.ok(['create', '-f', '-'], { stdin: JSON.stringify(svc) });
    assert.equal((await get('svc', 'st')).status?.loadBalancer?.ingress, undefined, 'create drops status');
    await s.kubectl.ok(['patch', 'svc', 'st', '--subresource=status', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.8"}]}},"spec":{"ports":[{"port":81}]}}']);
    const patched = await get('svc', 'st');
    assert.deepEqual(patched.status, { loadBalancer: { ingress: [{ ip: '203.0.113.8' }] } });
    assert.equal((patched.spec!.ports as Array<{ port: number }>)[0]!.port, 80, 'spec is not written through /status');
    await s.kubectl.ok(['patch', 'svc', 'st', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.9"}]}}}']);
    assert.deepEqual((await get('svc', 'st')).status, { loadBalancer: { ingress: [{ ip: '203.0.113.8' }] } }, 'a main-resource patch keeps the stored status');
  });

  it('kubectl wait --for=condition=Ready returns once the status says so for the current generation', async () => {
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('ready', { size: 1 }) });
    // Ready, but for an older generation: not met.
    await s.kubectl.ok(['patch', 'widget', 'ready', '--type=merge', '-p', '{"spec":{"size":2}}']);
    await s.kubectl.ok(['patch', 'widget', 'ready', '--subresource=status', '--type=merge', '-p', readyStatus(1)]);
    const stale = await s.kubectl(['wait', '--for=condition=Ready', '--timeout=1s', 'widget/ready']);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /timed out waiting for the condition on widgets\/ready/);

    // Waiting first, then the status catches up: the watch delivers it.
    const waiting = s.kubectl(['wait', '--for=condition=Ready', '--timeout=20s', 'widget/ready']);
    await s.kubectl.ok(['patch', 'widget', 'ready', '--subresource=status', '--type=merge', '-p', readyStatus(2)]);
    const done = await waiting;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout.trim(), 'widget.example.com/ready condition met');
    assert.match(await s.kubectl.ok(['get', 'wg', 'ready']), /^ready\s+2\s+red\s+True\s+\d+s$/m);
  });

  it('kubectl wait --for=jsonpath and --for=delete', async () => {
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('jp', { size: 1 }) });
    const phase = s.kubectl(['wait', '--for=jsonpath={.status.phase}=Running', '--timeout=20s', 'widget/jp']);
    await s.kubectl.ok(['patch', 'widget', 'jp', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running"}}']);
    const met = await phase;
    assert.equal(met.code, 0, met.stderr);
    assert.equal(met.stdout.trim(), 'widget.example.com/jp condition met');

    // A finalizer holds the object while kubectl wait starts watching it.
    await s.kubectl.ok(['patch', 'widget', 'jp', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
    const gone = s.kubectl(['wait', '--for=delete', '--timeout=20s', 'widget/jp']);
    await s.kubectl.ok(['delete', 'widget', 'jp', '--wait=false']);
    await s.kubectl.ok(['patch', 'widget', 'jp', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    const deleted = await gone;
    assert.equal(deleted.code, 0, deleted.stderr);
    // kubectl prints nothing if the object was already gone when it looked.
    assert.match(deleted.stdout.trim(), /^(widget\.example\.com\/jp condition met)?$/);
  });
});
