import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../api/object.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/types.ts';
import { silentLogger } from '../../util/log.ts';
import { bindPod } from './pod-binding.ts';

const now = () => new Date('2026-01-02T03:04:05Z');

function pod(name: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, ...meta }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec }, status: { phase: 'Pending' } };
}

function binding(name: string, node = 'node-a', extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: 'default', ...extra }, target: { kind: 'Node', name: node } };
}

describe('pods/binding', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-binding-'));
    store = await openStore('embedded', { dataDir: dir, log: silentLogger() });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const key = (name: string) => `/registry/core/pods/default/${name}`;
  const expectConflict = async (p: Promise<unknown>, message: string) => {
    await assert.rejects(p, (err: unknown) => isSkiffError(err, 'SKF_API_CONFLICT') && (err as Error).message === message);
  };

  it('sets the node name, the binding annotations and PodScheduled', async () => {
    await store.create(key('a'), pod('a'));
    await bindPod(store, { namespace: 'default', name: 'a', binding: binding('a', 'node-a', { annotations: { note: 'x' } }) }, now);
    const stored = (await store.get(key('a')))!.value;
    assert.equal((stored.spec as { nodeName: string }).nodeName, 'node-a');
    assert.equal(stored.metadata.annotations?.note, 'x');
    assert.deepEqual((stored.status as { conditions: unknown }).conditions, [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-02T03:04:05Z' }]);
  });

  it('refuses a pod that is already bound (409)', async () => {
    await expectConflict(bindPod(store, { namespace: 'default', name: 'a', binding: binding('a', 'node-b') }, now),
      'Operation cannot be fulfilled on pods/binding "a": pod a is already assigned to node "node-a"');
  });

  it('refuses pods being deleted or gated, and a stale uid precondition', async () => {
    await store.create(key('gone'), pod('gone', {}, { deletionTimestamp: '2026-01-01T00:00:00Z' }));
    await expectConflict(bindPod(store, { namespace: 'default', name: 'gone', binding: binding('gone') }),
      'Operation cannot be fulfilled on pods/binding "gone": pod gone is being deleted, cannot be assigned to a host');
    await store.create(key('gated'), pod('gated', { schedulingGates: [{ name: 'wait' }] }));
    await expectConflict(bindPod(store, { namespace: 'default', name: 'gated', binding: binding('gated') }),
      'Operation cannot be fulfilled on pods/binding "gated": pod gated has non-empty .spec.schedulingGates');
    await store.create(key('b'), pod('b'));
    await expectConflict(bindPod(store, { namespace: 'default', name: 'b', binding: binding('b', 'n', { uid: 'other' }) }),
      'Operation cannot be fulfilled on pods/binding "b": Precondition failed: UID in precondition: other, UID in object meta: uid-b');
  });

  it('checks the names and the target', async () => {
    await assert.rejects(bindPod(store, { namespace: 'default', name: 'b', binding: binding('c') }), (err: unknown) => isSkiffError(err, 'SKF_API_BAD_REQUEST'));
    await assert.rejects(bindPod(store, { namespace: 'default', name: 'b', binding: { ...binding('b'), target: { kind: 'Pod' } } }),
      (err: unknown) => isSkiffError(err, 'SKF_API_INVALID') && /target.kind: Unsupported value: "Pod"/.test((err as Error).message) && /target.name: Required value/.test((err as Error).message));
    await assert.rejects(bindPod(store, { namespace: 'default', name: 'nope', binding: binding('nope') }), (err: unknown) => isSkiffError(err, 'SKF_API_NOT_FOUND'));
  });
});
