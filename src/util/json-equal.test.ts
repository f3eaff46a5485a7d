import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonEqual } from './json-equal.ts';

test('objects compare by content, in any key order', () => {
  assert.ok(jsonEqual({ a: 1, b: { c: [1, 'x', null] } }, { b: { c: [1, 'x', null] }, a: 1 }));
  assert.ok(!jsonEqual({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(!jsonEqual({ a: 1, b: 2 }, { a: 1 }));
  assert.ok(!jsonEqual({ a: { b: 1 } }, { a: { b: '1' } }));
  assert.ok(!jsonEqual({ a: 1, b: 2 }, { a: 1, c: 2 }), 'same count, other names');
});

test('arrays compare in order and by length; an array is not an object', () => {
  assert.ok(jsonEqual([1, [2, 3]], [1, [2, 3]]));
  assert.ok(!jsonEqual([1, 2], [2, 1]));
  assert.ok(!jsonEqual([1], [1, 1]));
  assert.ok(!jsonEqual([], {}));
  assert.ok(!jsonEqual({}, []));
  assert.ok(!jsonEqual({ 0: 'a' }, ['a']));
});

test('an undefined value is an absent key, as in the serialised form', () => {
  assert.ok(jsonEqual({ a: 1, b: undefined }, { a: 1 }));
  assert.ok(jsonEqual({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!jsonEqual({ a: undefined }, { a: null }));
  assert.ok(jsonEqual(JSON.parse(JSON.stringify({ a: 1, b: undefined })), { a: 1, b: undefined }));
});

test('scalars: null, numbers by value, strings, booleans', () => {
  assert.ok(jsonEqual(null, null));
  assert.ok(!jsonEqual(null, {}));
  assert.ok(!jsonEqual(undefined, null));
  assert.ok(jsonEqual(0, -0));
  assert.ok(!jsonEqual(1, '1'));
  assert.ok(!jsonEqual(true, 1));
});

test('ignored keys of the outermost object are not compared, nested ones are', () => {
  const skip = new Set(['metadata']);
  assert.ok(jsonEqual({ metadata: { rv: '1' }, spec: 1 }, { metadata: { rv: '2' }, spec: 1 }, skip));
  assert.ok(jsonEqual({ metadata: 1, spec: 1 }, { spec: 1 }, skip));
  assert.ok(!jsonEqual({ metadata: 1, spec: 1 }, { metadata: 1, spec: 2 }, skip));
  assert.ok(!jsonEqual({ spec: { metadata: 1 } }, { spec: { metadata: 2 } }, skip));
});

test('a "__proto__" key from parsed JSON is an ordinary key', () => {
  const a = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
  assert.ok(jsonEqual(a, JSON.parse('{"__proto__": {"x": 1}}')));
  assert.ok(!jsonEqual(a, JSON.parse('{"__proto__": {"x": 2}}')));
  assert.ok(!jsonEqual(a, {}));
});
