import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../../api/object.ts';
import { updateManagedFields } from './update-managed-fields.ts';
import { serverSideApply } from './server-side-apply.ts';
import { formatApplyConflictMessage } from './conflicts.ts';
import { DEPLOYMENT } from '../testing/schemas.ts';

const T = (minute: number): string => `2025-01-01T00:${String(minute).padStart(2, '0')}:00Z`;

function update(old: KubeObject | undefined, next: KubeObject, manager: string, minute = 0, subresource?: string): KubeObject {
  const out = updateManagedFields(old, next, { manager, operation: 'Update', apiVersion: 'apps/v1', now: T(minute), schema: DEPLOYMENT, ...(subresource ? { subresource } : {}) });
  return old ? out : { ...out, metadata: { ...out.metadata, uid: 'u-1' } };
}

function deployment(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}, rest: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', ...metadata }, spec, ...rest };
}

const fieldsOf = (obj: KubeObject, manager: string): unknown => obj.metadata.managedFields?.find((e) => e.manager === manager)?.fieldsV1;

test('create records every field the object sets as an Update entry', () => {
  const created = update(undefined, deployment({ replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } }, { labels: { app: 'web' } }), 'kubectl-create');
  assert.deepEqual(created.metadata.managedFields, [{
    manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: T(0), fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        '.': {}, 'f:replicas': {},
        'f:template': { '.': {}, 'f:spec': { '.': {}, 'f:containers': { '.': {}, 'k:{"name":"a"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } },
      },
    },
  }]);
});

test('an update takes changed fields from other managers and drops removed ones everywhere', () => {
  const created = update(undefined, deployment({ replicas: 1, paused: true }, { labels: { app: 'web', tier: 'fe' } }), 'creator');
  const edited = update(created, deployment({ replicas: 5, paused: true }, { labels: { app: 'web' } }), 'kubectl-edit', 1);
  assert.deepEqual(fieldsOf(edited, 'creator'), { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { '.': {}, 'f:paused': {} } });
  assert.deepEqual(fieldsOf(edited, 'kubectl-edit'), { 'f:spec': { 'f:replicas': {} } });
  // Same manager again: its fields accumulate; its time moves.
  const again = update(edited, deployment({ replicas: 5, paused: false }, { labels: { app: 'web' } }), 'kubectl-edit', 2);
  assert.deepEqual(fieldsOf(again, 'kubectl-edit'), { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
  assert.equal(again.metadata.managedFields!.find((e) => e.manager === 'kubectl-edit')!.time, T(2));
  // A write that changes nothing leaves entries (and times) alone.
  const noop = update(again, structuredClone(again), 'someone-else', 3);
  assert.deepEqual(noop.metadata.managedFields, again.metadata.managedFields);
});

test('an Update of a field an applier owns makes the next apply conflict', () => {
  const opts = { force: false, schema: DEPLOYMENT, apiVersion: 'apps/v1' };
  const first = serverSideApply(undefined, deployment({ replicas: 2 }), { ...opts, manager: 'kubectl', now: T(0) }).object;
  const live = { ...first, metadata: { ...first.metadata, uid: 'u-1' } };
  const scaled = update(live, deployment({ replicas: 7 }, { uid: 'u-1', managedFields: live.metadata.managedFields }), 'kubectl-scale', 1);
  // kubectl owned only replicas, so its entry goes away with it.
  assert.deepEqual(scaled.metadata.managedFields!.map((e) => [e.manager, e.operation, e.fieldsV1]), [
    ['kubectl-scale', 'Update', { 'f:spec': { 'f:replicas': {} } }],
  ]);
  const reapply = serverSideApply(scaled, deployment({ replicas: 2 }), { ...opts, manager: 'kubectl', now: T(2) });
  assert.equal(formatApplyConflictMessage(reapply.conflicts), 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas');
});

test('objects that were never tracked stay untracked; managedFields: [] clears them', () => {
  const untracked = deployment({ replicas: 1 }, { uid: 'u-1' });
  assert.equal(update(untracked, deployment({ replicas: 2 }, { uid: 'u-1' }), 'kubectl-edit', 1).metadata.managedFields, undefined);
  const tracked = update(undefined, deployment({ replicas: 1 }), 'creator');
  const cleared = update(tracked, deployment({ replicas: 1 }, { uid: 'u-1', managedFields: [] }), 'kubectl-edit', 1);
  assert.equal(cleared.metadata.managedFields, undefined);
});

test('valid managedFields sent with a write replace the stored ones; invalid ones are ignored', () => {
  const tracked = update(undefined, deployment({ replicas: 1, paused: true }), 'creator');
  const rewritten: ManagedFieldsEntry[] = [{ manager: 'someone', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
  const out = update(tracked, deployment({ replicas: 1, paused: true }, { uid: 'u-1', managedFields: rewritten }), 'x', 1);
  assert.deepEqual(out.metadata.managedFields, rewritten);
  const bogus = [{ manager: 'm', operation: 'Frobnicate', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }] as unknown as ManagedFieldsEntry[];
  const kept = update(tracked, deployment({ replicas: 1, paused: true }, { uid: 'u-1', managedFields: bogus }), 'x', 1);
  assert.deepEqual(kept.metadata.managedFields, tracked.metadata.managedFields);
});

test('a /status write records a status-subresource entry owning only status', () => {
  const created = update(undefined, deployment({ replicas: 1 }), 'creator');
  const withStatus = update(created, deployment({ replicas: 1 }, { uid: 'u-1', managedFields: created.metadata.managedFields }, { status: { replicas: 1, readyReplicas: 1 } }), 'deployment-controller', 1, 'status');
  const entry = withStatus.metadata.managedFields!.find((e) => e.manager === 'deployment-controller')!;
  assert.equal(entry.subresource, 'status');
  assert.deepEqual(entry.fieldsV1, { 'f:status': { '.': {}, 'f:readyReplicas': {}, 'f:replicas': {} } });
  // A main-resource write that carries status does not take it over.
  const viaMain = update(withStatus, deployment({ replicas: 2 }, { uid: 'u-1', managedFields: withStatus.metadata.managedFields }, { status: { replicas: 9 } }), 'kubectl-edit', 2);
  assert.deepEqual(fieldsOf(viaMain, 'kubectl-edit'), { 'f:spec': { 'f:replicas': {} } });
});

test('at most ten Update managers are kept; the oldest fold into ancient-changes', () => {
  let obj = update(undefined, deployment({ replicas: 0 }), 'm00');
  const spec: Record<string, unknown> = { replicas: 0 };
  for (let i = 1; i <= 11; i++) {
    spec[`f${i}`] = i;
    obj = update(obj, deployment({ ...spec }, { uid: 'u-1', managedFields: obj.metadata.managedFields }), `m${String(i).padStart(2, '0')}`, i);
  }
  const names = obj.metadata.managedFields!.map((e) => e.manager);
  assert.equal(names.length, 10);
  assert.ok(names.includes('ancient-changes'));
  assert.ok(!names.includes('m00') && !names.includes('m01') && !names.includes('m02'));
  assert.ok(names.includes('m11'));
});
