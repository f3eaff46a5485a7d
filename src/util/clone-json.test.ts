import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cloneJson } from './clone-json.ts';

test('cloneJson copies objects and arrays deeply and keeps primitives', () => {
  const source = { a: [1, 'two', { three: null }], b: { c: true, d: undefined }, e: 1.5 };
  const copy = cloneJson(source);
  assert.deepEqual(copy, source);
  assert.notEqual(copy.a, source.a);
  assert.notEqual(copy.a[2], source.a[2]);
  assert.notEqual(copy.b, source.b);
  assert.ok(Object.hasOwn(copy.b, 'd'), 'an undefined-valued key stays, as with structuredClone');
  assert.equal(cloneJson(undefined), undefined);
  assert.equal(cloneJson('x'), 'x');
});

test('cloneJson keeps a "__proto__" key as a key and never touches the prototype', () => {
  const source = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
  const copy = cloneJson(source);
  assert.deepEqual(Object.keys(copy), ['__proto__', 'x']);
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(JSON.stringify(copy), '{"__proto__":{"polluted":true},"x":1}');
});
