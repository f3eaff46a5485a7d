import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findDuplicateFieldPaths, findDuplicateFields } from './duplicate-fields.ts';

describe('findDuplicateFields', () => {
  it('finds nothing in a body without repeated keys', () => {
    assert.deepEqual(findDuplicateFields('{"a":{"b":1,"c":[{"b":1},{"b":2}]},"b":"a"}'), []);
  });

  it('reports repeated keys with their full path, as the strict decoder does', () => {
    const body = `{
      "apiVersion": "v1", "kind": "ConfigMap",
      "metadata": {"name": "x", "name": "y", "labels": {"a": "1", "a": "2"}},
      "data": {"k": "v"},
      "spec": {"list": [{"n": 1}, {"n": 2, "n": 3, "x": {"y": 1, "y": 2}}]},
      "kind": "ConfigMap"
    }`;
    assert.deepEqual(findDuplicateFields(body), [
      'duplicate field "metadata.name"',
      'duplicate field "metadata.labels.a"',
      'duplicate field "spec.list[1].n"',
      'duplicate field "spec.list[1].x.y"',
      'duplicate field "kind"',
    ]);
  });

  it('reads keys with escapes and does not mistake string values for keys', () => {
    assert.deepEqual(findDuplicateFieldPaths('{"a\\"b":1,"v":"a\\"b","a\\u0022b":2,"w":"{\\"v\\":1}"}'), ['a"b']);
  });

  it('reports each path once', () => {
    assert.deepEqual(findDuplicateFieldPaths('{"a":1,"a":2,"a":3}'), ['a']);
  });

  it('tracks positions in nested arrays', () => {
    assert.deepEqual(findDuplicateFieldPaths('[[{"x":1}],[{},{"x":1,"x":2}]]'), ['[1][1].x']);
  });
});
