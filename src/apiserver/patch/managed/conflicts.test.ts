import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyConflictError, formatApplyConflictMessage, type Conflict } from './conflicts.ts';
import { statusFromError } from '../../http/status.ts';

const c = (manager: string, field: string, extra: Partial<Conflict> = {}): Conflict => ({ manager, operation: 'Apply', apiVersion: 'v1', field, ...extra });

test('one conflict: the singular wording', () => {
  assert.equal(formatApplyConflictMessage([c('kubectl', '.spec.replicas')]), 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
  assert.equal(formatApplyConflictMessage([c('kube-controller-manager', '.spec.replicas', { operation: 'Update', apiVersion: 'apps/v1' })]),
    'Apply failed with 1 conflict: conflict with "kube-controller-manager" using apps/v1: .spec.replicas');
  assert.equal(formatApplyConflictMessage([c('ctl', '.status.phase', { operation: 'Update', subresource: 'status' })]),
    'Apply failed with 1 conflict: conflict with "ctl" with subresource "status" using v1: .status.phase');
});

test('several conflicts are grouped by manager, managers sorted', () => {
  const message = formatApplyConflictMessage([
    c('zeta', '.spec.z', { operation: 'Update' }),
    c('alpha', '.spec.x'),
    c('alpha', '.spec.y'),
  ]);
  assert.equal(message, 'Apply failed with 3 conflicts: conflicts with "alpha":\n- .spec.x\n- .spec.y\nconflicts with "zeta" using v1:\n- .spec.z');
});

test('the 409 carries one FieldManagerConflict cause per field', () => {
  const status = statusFromError(applyConflictError([c('alpha', '.spec.x'), c('beta', '.spec.y', { operation: 'Update', apiVersion: 'apps/v1' })]));
  assert.equal(status.code, 409);
  assert.equal(status.reason, 'Conflict');
  assert.deepEqual(status.details, { causes: [
    { reason: 'FieldManagerConflict', message: 'conflict with "alpha"', field: '.spec.x' },
    { reason: 'FieldManagerConflict', message: 'conflict with "beta" using apps/v1', field: '.spec.y' },
  ] });
});
