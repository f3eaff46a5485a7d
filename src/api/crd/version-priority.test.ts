import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareKubeVersions, sortByKubeVersionPriority } from './version-priority.ts';

test('GA before beta before alpha; higher major, then higher minor first', () => {
  assert.deepEqual(
    sortByKubeVersionPriority(['v1alpha1', 'v1beta1', 'v1', 'v1beta2', 'v2alpha1', 'v2', 'v1alpha2', 'v10', 'v11beta1', 'v12alpha1']),
    ['v10', 'v2', 'v1', 'v11beta1', 'v1beta2', 'v1beta1', 'v12alpha1', 'v2alpha1', 'v1alpha2', 'v1alpha1'],
  );
});

test('a mixed list, as discovery orders it', () => {
  assert.deepEqual(
    sortByKubeVersionPriority(['v1alpha3', 'v1beta1', 'foo', 'v1', 'v2', 'v2beta2', 'v1beta2', 'v10', 'v11alpha2', 'bar']),
    ['v10', 'v2', 'v1', 'v2beta2', 'v1beta2', 'v1beta1', 'v11alpha2', 'v1alpha3', 'bar', 'foo'],
  );
});

test('versions that are not Kubernetes-like come last, lexically', () => {
  assert.deepEqual(sortByKubeVersionPriority(['foo', 'v1', 'bar', 'v1.2', 'v1beta']), ['v1', 'bar', 'foo', 'v1.2', 'v1beta']);
  // strings.Compare, not a locale's collation: upper case sorts before lower case.
  assert.deepEqual(sortByKubeVersionPriority(['beta', 'Alpha', 'alpha']), ['Alpha', 'alpha', 'beta']);
});

test('the seed CRDs: preferred versions as discovery reports them (kinds.md Q4)', () => {
  assert.deepEqual(sortByKubeVersionPriority(['v1alpha3', 'v1beta1']), ['v1beta1', 'v1alpha3']);
  assert.deepEqual(sortByKubeVersionPriority(['v1', 'v2']), ['v2', 'v1']);
  assert.deepEqual(sortByKubeVersionPriority(['v1beta2', 'v1']), ['v1', 'v1beta2']);
});

test('the comparator is antisymmetric and zero only for equal names', () => {
  const names = ['v1', 'v2', 'v1beta1', 'v1alpha1', 'x', 'y'];
  for (const a of names) {
    for (const b of names) {
      const ab = compareKubeVersions(a, b);
      assert.equal(Math.sign(ab) + Math.sign(compareKubeVersions(b, a)), 0, `${a} vs ${b}`);
      assert.equal(ab === 0, a === b);
    }
  }
});
