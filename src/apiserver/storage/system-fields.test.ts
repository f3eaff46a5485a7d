import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { semanticallyEqual, specChanged } from './system-fields.ts';

const pod = (meta: Record<string, unknown>, rest: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...meta }, spec: { containers: [{ name: 'c' }] }, ...rest,
}) as KubeObject;
const entry = (time: string, extra: Record<string, unknown> = {}) => ({ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} }, ...extra });

test('a write that changes only resourceVersion or managed-field times is no change', () => {
  assert.ok(semanticallyEqual(pod({ resourceVersion: '1', managedFields: [entry('2026-01-01T00:00:00Z')] }), pod({ resourceVersion: '9', managedFields: [entry('2026-02-02T00:00:00Z')] })));
});

test('any other difference is a change: labels, status, a managed-field set or manager, spec', () => {
  const base = pod({ managedFields: [entry('t')] });
  assert.ok(!semanticallyEqual(base, pod({ managedFields: [entry('t')], labels: { a: 'b' } })));
  assert.ok(!semanticallyEqual(base, pod({ managedFields: [entry('t')] }, { status: { phase: 'Running' } })));
  assert.ok(!semanticallyEqual(base, pod({ managedFields: [entry('t', { fieldsV1: { 'f:metadata': {} } })] })));
  assert.ok(!semanticallyEqual(base, pod({ managedFields: [entry('t'), entry('t', { manager: 'other' })] })));
  assert.ok(!semanticallyEqual(base, pod({ managedFields: [entry('t')] }, { spec: { containers: [] } })));
  assert.ok(!semanticallyEqual(base, pod({})), 'managedFields present and absent');
  assert.ok(!semanticallyEqual(pod({ managedFields: [] }), pod({})), 'an empty list is still written');
});

test('a field set to undefined in memory equals its absence in the stored form', () => {
  assert.ok(semanticallyEqual(pod({ labels: undefined }, { status: undefined }), pod({})));
});

test('specChanged looks past metadata, status, apiVersion and kind', () => {
  const old = pod({ resourceVersion: '1' }, { status: { phase: 'Pending' } });
  assert.ok(!specChanged(old, pod({ resourceVersion: '2', labels: { a: 'b' } }, { status: { phase: 'Running' }, apiVersion: 'v2' })));
  assert.ok(specChanged(old, pod({}, { spec: { containers: [{ name: 'd' }] } })));
  assert.ok(specChanged(old, pod({}, { data: { extra: true } })), 'a top-level field beside spec is spec too');
});
