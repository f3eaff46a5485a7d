import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../field-error.ts';
import type { KubeObject } from '../../object.ts';
import { leaseKind } from './lease.ts';

const now = new Date('2024-05-01T12:00:00Z');
const meta = { name: 'x', namespace: 'default', creationTimestamp: '2024-05-01T11:59:30Z' };

test('Lease: HOLDER column and duration validation', () => {
  const leases = leaseKind();
  const l: KubeObject = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta, spec: { holderIdentity: 'skiff-0', leaseDurationSeconds: 15 } };
  assert.deepEqual(leases.table!.row(l, now), ['x', 'skiff-0', '30s']);
  assert.equal(leases.table!.row({ ...l, spec: {} }, now)[1], '');
  assert.deepEqual(leases.validate!(l, { operation: 'create' }), []);
  assert.deepEqual(leases.validate!({ ...l, spec: { leaseDurationSeconds: 0 } }, { operation: 'create' }).map(formatFieldError), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
});
