import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from './json-patch.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import type { JsonValue } from './json.ts';

const doc: JsonValue = { metadata: { name: 'x', labels: { a: '1' } }, spec: { list: ['a', 'b'], replicas: 1 } };

const ok: Array<{ name: string; ops: unknown; want: JsonValue }> = [
  { name: 'add member', ops: [{ op: 'add', path: '/spec/paused', value: true }], want: { ...clone(doc), spec: { list: ['a', 'b'], replicas: 1, paused: true } } },
  { name: 'add appends with -', ops: [{ op: 'add', path: '/spec/list/-', value: 'c' }], want: { ...clone(doc), spec: { list: ['a', 'b', 'c'], replicas: 1 } } },
  { name: 'add inserts at index', ops: [{ op: 'add', path: '/spec/list/0', value: 'z' }], want: { ...clone(doc), spec: { list: ['z', 'a', 'b'], replicas: 1 } } },
  { name: 'remove member', ops: [{ op: 'remove', path: '/metadata/labels/a' }], want: { ...clone(doc), metadata: { name: 'x', labels: {} } } },
  { name: 'replace member', ops: [{ op: 'replace', path: '/spec/replicas', value: 3 }], want: { ...clone(doc), spec: { list: ['a', 'b'], replicas: 3 } } },
  { name: 'replace of a missing member sets it (evanphx v4)', ops: [{ op: 'replace', path: '/spec/paused', value: true }], want: { ...clone(doc), spec: { list: ['a', 'b'], replicas: 1, paused: true } } },
  { name: 'escaped pointer tokens', ops: [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'n' }], want: { ...clone(doc), metadata: { name: 'x', labels: { a: '1', 'app.kubernetes.io/name': 'n' } } } },
  { name: 'move', ops: [{ op: 'move', from: '/spec/replicas', path: '/spec/count' }], want: { ...clone(doc), spec: { list: ['a', 'b'], count: 1 } } },
  { name: 'copy', ops: [{ op: 'copy', from: '/metadata/name', path: '/spec/name' }], want: { ...clone(doc), spec: { list: ['a', 'b'], replicas: 1, name: 'x' } } },
  { name: 'passing test then replace', ops: [{ op: 'test', path: '/spec/replicas', value: 1 }, { op: 'replace', path: '/spec/replicas', value: 2 }], want: { ...clone(doc), spec: { list: ['a', 'b'], replicas: 2 } } },
  { name: 'empty patch', ops: [], want: clone(doc) },
  {
    name: 'kubectl managedFields migration shape',
    ops: [{ op: 'replace', path: '/metadata/managedFields', value: [{ manager: 'kubectl', operation: 'Apply' }] }, { op: 'replace', path: '/metadata/resourceVersion', value: '7' }],
    want: { ...clone(doc), metadata: { name: 'x', labels: { a: '1' }, managedFields: [{ manager: 'kubectl', operation: 'Apply' }], resourceVersion: '7' } },
  },
];

for (const c of ok) {
  test(`json patch: ${c.name}`, () => {
    const before = clone(doc);
    assert.deepEqual(applyJsonPatch(before, c.ops), c.want);
    assert.deepEqual(before, doc, 'target untouched');
  });
}

const failures: Array<{ name: string; ops: unknown; code: string; message: string | RegExp }> = [
  { name: 'failed test', ops: [{ op: 'test', path: '/spec/replicas', value: 2 }], code: 'SKF_API_BAD_PATCH', message: 'the server rejected our request due to an error in our request: testing value /spec/replicas failed: test failed' },
  { name: 'test of a missing member', ops: [{ op: 'test', path: '/spec/nope', value: 2 }], code: 'SKF_API_BAD_PATCH', message: /testing value \/spec\/nope failed: test failed$/ },
  { name: 'test below a missing parent', ops: [{ op: 'test', path: '/nope/x', value: 2 }], code: 'SKF_API_BAD_PATCH', message: /test operation does not apply: is missing path: \/nope\/x: missing value$/ },
  { name: 'add below a missing parent', ops: [{ op: 'add', path: '/status/phase', value: 'x' }], code: 'SKF_API_BAD_PATCH', message: /add operation does not apply: doc is missing path: "\/status\/phase": missing value$/ },
  { name: 'remove of a missing member', ops: [{ op: 'remove', path: '/spec/nope' }], code: 'SKF_API_BAD_PATCH', message: /error in remove for path: '\/spec\/nope': Unable to remove nonexistent key: nope: missing value$/ },
  { name: 'remove beyond a list', ops: [{ op: 'remove', path: '/spec/list/5' }], code: 'SKF_API_BAD_PATCH', message: /Unable to access invalid index: 5: invalid index referenced$/ },
  { name: 'replace beyond a list', ops: [{ op: 'replace', path: '/spec/list/2', value: 'x' }], code: 'SKF_API_BAD_PATCH', message: /replace operation does not apply: doc is missing key: \/spec\/list\/2: missing value$/ },
  { name: 'add beyond a list', ops: [{ op: 'add', path: '/spec/list/3', value: 'x' }], code: 'SKF_API_BAD_PATCH', message: /error in add for path: '\/spec\/list\/3': Unable to access invalid index: 3/ },
  { name: 'move from a missing path', ops: [{ op: 'move', from: '/spec/nope', path: '/spec/x' }], code: 'SKF_API_BAD_PATCH', message: /move operation does not apply: doc is missing from path: \/spec\/nope: missing value$/ },
  { name: 'unknown op', ops: [{ op: 'frobnicate', path: '/spec' }], code: 'SKF_API_BAD_PATCH', message: /Unexpected kind: frobnicate$/ },
  { name: 'internal fast-json-patch op is not accepted', ops: [{ op: '_get', path: '/spec' }], code: 'SKF_API_BAD_PATCH', message: /Unexpected kind: _get$/ },
  { name: 'missing value', ops: [{ op: 'add', path: '/spec/x' }], code: 'SKF_API_BAD_PATCH', message: /add operation, missing value field/ },
  { name: 'missing path', ops: [{ op: 'remove' }], code: 'SKF_API_BAD_PATCH', message: /operation missing path field/ },
  { name: 'not a list', ops: { op: 'add' }, code: 'SKF_API_BAD_REQUEST', message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
  { name: 'operation not an object', ops: ['add'], code: 'SKF_API_BAD_REQUEST', message: /cannot unmarshal string into Go value of type jsonpatch.Operation/ },
  { name: 'too many operations', ops: Array.from({ length: 10001 }, () => ({ op: 'test', path: '/spec/replicas', value: 1 })), code: 'SKF_API_BODY_TOO_LARGE', message: 'The allowed maximum operations in a JSON patch is 10000, got 10001' },
];

for (const c of failures) {
  test(`json patch rejects: ${c.name}`, () => {
    assert.throws(() => applyJsonPatch(clone(doc), c.ops), (err: unknown) => {
      assert.ok(isSkiffError(err), 'a SkiffError');
      assert.equal(err.code, c.code);
      if (typeof c.message === 'string') assert.equal(err.message, c.message);
      else assert.match(err.message, c.message);
      return true;
    });
  });
}

test('a failed operation leaves earlier ones unapplied to the caller', () => {
  const before = clone(doc);
  assert.throws(() => applyJsonPatch(before, [{ op: 'replace', path: '/spec/replicas', value: 9 }, { op: 'test', path: '/spec/replicas', value: 1 }]));
  assert.deepEqual(before, doc);
});

test('json patch cannot reach the prototype', () => {
  assert.throws(() => applyJsonPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: true }]));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

function clone<T>(v: T): T { return structuredClone(v); }
