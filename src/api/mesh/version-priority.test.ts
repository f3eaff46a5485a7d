import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareVersionPriority } from './version-priority.ts';

test('orders versions as Kubernetes discovery does', () => {
  const sorted = ['v1alpha3', 'v1beta1', 'foo', 'v1', 'v2', 'v2beta2', 'v1beta2', 'v10', 'v11alpha2', 'bar'].sort(compareVersionPriority);
  assert.deepEqual(sorted, ['v10', 'v2', 'v1', 'v2beta2', 'v1beta2', 'v1beta1', 'v11alpha2', 'v1alpha3', 'bar', 'foo']);
});
