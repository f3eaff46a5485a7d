import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from './merge-patch.ts';
import type { JsonValue } from './json.ts';

// The examples of RFC 7386 appendix A, plus the shapes kubectl sends.
const cases: Array<{ name: string; target: JsonValue; patch: JsonValue; want: JsonValue }> = [
  { name: 'replace a member', target: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'add a member', target: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
  { name: 'null deletes', target: { a: 'b' }, patch: { a: null }, want: {} },
  { name: 'null deletes one of two', target: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
  { name: 'list replaces list', target: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'scalar replaces list', target: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
  { name: 'nested merge with delete', target: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
  { name: 'list of objects is replaced whole', target: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
  { name: 'array patch replaces document', target: ['a', 'b'], patch: ['c', 'd'], want: ['c', 'd'] },
  { name: 'object replaces array document', target: { a: 'b' }, patch: ['c'], want: ['c'] },
  { name: 'null patch gives null', target: { a: 'foo' }, patch: null, want: null },
  { name: 'string patch gives string', target: { a: 'foo' }, patch: 'bar', want: 'bar' },
  { name: 'nulls inside new objects are dropped', target: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
  { name: 'nested null in new member', target: [1, 2], patch: { a: 'b', c: null }, want: { a: 'b' } },
  { name: 'deep new member drops nulls', target: {}, patch: { a: { bb: { ccc: null } } }, want: { a: { bb: {} } } },
  {
    name: 'kubectl label',
    target: { metadata: { name: 'ns', labels: { a: '1' } } },
    patch: { metadata: { labels: { b: '2' } } },
    want: { metadata: { name: 'ns', labels: { a: '1', b: '2' } } },
  },
  {
    name: 'kubectl label k-',
    target: { metadata: { name: 'ns', labels: { a: '1', b: '2' } } },
    patch: { metadata: { labels: { a: null } } },
    want: { metadata: { name: 'ns', labels: { b: '2' } } },
  },
];

for (const c of cases) {
  test(`merge patch: ${c.name}`, () => {
    const target = structuredClone(c.target);
    const patch = structuredClone(c.patch);
    assert.deepEqual(applyMergePatch(target, patch), c.want);
    assert.deepEqual(target, c.target, 'target untouched');
    assert.deepEqual(patch, c.patch, 'patch untouched');
  });
}

test('merge patch result shares nothing with its inputs', () => {
  const target = { a: { b: [1] }, keep: { x: 1 } };
  const patch = { c: { d: 1 } };
  const out = applyMergePatch(target, patch) as { keep: { x: number }; c: { d: number } };
  out.keep.x = 2;
  out.c.d = 2;
  assert.equal(target.keep.x, 1);
  assert.equal(patch.c.d, 1);
});

test('merge patch stores a __proto__ key as data', () => {
  const out = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}') as JsonValue) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
