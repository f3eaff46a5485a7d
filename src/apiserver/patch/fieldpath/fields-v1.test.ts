import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldsV1FromPaths, pathsFromFieldsV1 } from './fields-v1.ts';
import { fieldElement as f, keyElement, pathToString, valueElement, indexElement, parsePathElement, serializePathElement } from './path-element.ts';
import { PathSet } from './path-set.ts';

test('FieldsV1 encodes members, parents and "." exactly as kube-apiserver', () => {
  const set = new PathSet([
    [f('spec'), f('replicas')],
    [f('metadata'), f('labels'), f('app')],
    [f('metadata'), f('labels')],
    [f('spec'), f('template'), f('spec'), f('containers'), keyElement([['name', 'nginx']])],
    [f('spec'), f('template'), f('spec'), f('containers'), keyElement([['name', 'nginx']]), f('image')],
    [f('spec'), f('template'), f('spec'), f('containers'), keyElement([['name', 'nginx']]), f('name')],
    [f('spec'), f('template'), f('spec'), f('containers'), keyElement([['name', 'nginx']]), f('ports'), keyElement([['protocol', 'TCP'], ['containerPort', 80]])],
    [f('metadata'), f('finalizers'), valueElement('example.com/x')],
  ]);
  const fields = fieldsV1FromPaths(set);
  assert.equal(JSON.stringify(fields), JSON.stringify({
    'f:metadata': {
      'f:finalizers': { 'v:"example.com/x"': {} },
      'f:labels': { '.': {}, 'f:app': {} },
    },
    'f:spec': {
      'f:replicas': {},
      'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': {
        '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': {} },
      } } } },
    },
  }));
  assert.ok(pathsFromFieldsV1(fields).equals(set), 'round trip');
});

test('FieldsV1 parsing: "." marks a member with children; unknown element types are skipped', () => {
  const set = pathsFromFieldsV1({ 'f:data': { '.': {}, 'f:a': {} }, 'f:spec': { 'f:x': {} }, 'z:odd': {} });
  assert.deepEqual(set.paths().map(pathToString), ['.data', '.data.a', '.spec.x']);
  assert.throws(() => pathsFromFieldsV1({ 'k:not-json': {} }), /parsing key as path element/);
});

test('path elements: serialization, parsing and conflict notation', () => {
  const key = keyElement([['protocol', 'TCP'], ['port', 80]]);
  assert.equal(serializePathElement(key), 'k:{"port":80,"protocol":"TCP"}');
  assert.deepEqual(parsePathElement('k:{"protocol":"TCP","port":80}'), key);
  assert.equal(pathToString([f('spec'), f('ports'), key, f('targetPort')]), '.spec.ports[port=80,protocol="TCP"].targetPort');
  assert.equal(pathToString([f('metadata'), f('finalizers'), valueElement('a')]), '.metadata.finalizers[="a"]');
  assert.equal(pathToString([f('x'), indexElement(2)]), '.x[2]');
  assert.equal(serializePathElement(valueElement('<a&b>')), 'v:"\\u003ca\\u0026b\\u003e"');
  assert.equal(parsePathElement('q:x'), undefined);
});

test('set algebra: difference keeps parents, recursiveDifference removes subtrees, withPrefix strips the element', () => {
  const a = new PathSet([[f('spec')], [f('spec'), f('a')], [f('spec'), f('b')], [f('status'), f('x')]]);
  assert.deepEqual(a.difference(new PathSet([[f('spec')]])).paths().map(pathToString), ['.spec.a', '.spec.b', '.status.x']);
  assert.deepEqual(a.recursiveDifference(new PathSet([[f('spec')]])).paths().map(pathToString), ['.status.x']);
  assert.deepEqual(a.withPrefix(f('spec')).paths().map(pathToString), ['.a', '.b']);
  assert.deepEqual(a.intersection(new PathSet([[f('spec'), f('a')], [f('nope')]])).paths().map(pathToString), ['.spec.a']);
});
