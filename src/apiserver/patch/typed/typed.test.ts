import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONSchemaProps } from '../../../api/schema-types.ts';
import { pathToString } from '../fieldpath/path-element.ts';
import { compareTyped } from './compare.ts';
import { mergeTyped } from './merge.ts';
import { toFieldSet } from './to-field-set.ts';
import { validateApplyConfig } from './validate.ts';

const keyed: JSONSchemaProps = {
  type: 'object',
  properties: {
    items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, v: { type: 'integer' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    legacy: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'port' },
    atomic: { type: 'array', items: { type: 'string' } },
  },
};

const names = (list: unknown): string[] => (list as Array<{ name: string }>).map((i) => i.name);

test('associative merge keeps live-only items in place and follows the applied order', () => {
  const live = { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };
  assert.deepEqual(names((mergeTyped(live, { items: [{ name: 'c' }, { name: 'a' }] }, keyed) as typeof live).items), ['b', 'c', 'a']);
  assert.deepEqual(names((mergeTyped(live, { items: [{ name: 'd' }] }, keyed) as typeof live).items), ['a', 'b', 'c', 'd']);
  assert.deepEqual((mergeTyped({ items: [{ name: 'a', v: 1 }] }, { items: [{ name: 'a', v: 2 }] }, keyed) as typeof live).items, [{ name: 'a', v: 2 }]);
});

test('patch-merge-key lists are associative for apply; key defaults fill missing key fields', () => {
  const set = toFieldSet({ legacy: [{ port: 80 }] }, keyed);
  assert.deepEqual(set.paths().map(pathToString), ['.legacy[port=80]', '.legacy[port=80].port']);
});

test('compare reports added, modified and removed leaves and whole new maps', () => {
  const cmp = compareTyped({ atomic: ['x'], extra: { a: 1 } }, { atomic: ['y'], fresh: { b: 1 } }, keyed);
  assert.deepEqual(cmp.modified.paths().map(pathToString), ['.atomic']);
  assert.deepEqual(cmp.added.paths().map(pathToString), ['.fresh', '.fresh.b']);
  assert.deepEqual(cmp.removed.paths().map(pathToString), ['.extra', '.extra.a']);
});

test('apply configurations must name their list items uniquely', () => {
  assert.deepEqual(validateApplyConfig({ items: [{ v: 1 }] }, keyed), ['.items: element 0: associative list with keys has an element that omits all key fields ["name"] (and doesn\'t have default values for any key fields)']);
  assert.deepEqual(validateApplyConfig({ items: [{ name: 'a' }, { name: 'a' }] }, keyed), ['.items: duplicate entries for key [name="a"]']);
  assert.deepEqual(validateApplyConfig({ atomic: ['a', 'a'] }, keyed), []);
});
