import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reflow, shapeOf, shapesByKind } from './seeds-reflow.ts';

const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: a
  namespace: b
spec:
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          name: "x"
  podSelector: {}
  policyTypes:
  - Ingress
`;

test('the shape of several examples is the union of their keys and list items', () => {
  const shape = shapeOf([{ a: { b: 1 }, l: [{ x: 1 }] }, { a: { c: 'y' }, l: [{ z: [] }] }]);
  assert.deepEqual(shape, {
    kind: 'map',
    keys: new Map<string, unknown>([
      ['a', { kind: 'map', keys: new Map([['b', { kind: 'scalar' }], ['c', { kind: 'scalar' }]]) }],
      ['l', { kind: 'seq', item: { kind: 'map', keys: new Map<string, unknown>([['x', { kind: 'scalar' }], ['z', { kind: 'seq', item: undefined }]]) } }],
    ]),
  });
});

test('a key the innermost map does not know closes it: podSelector belongs to the spec, not the peer', () => {
  const flat = 'apiVersion: networking.k8s.io/v1 kind: NetworkPolicy metadata: name: allow namespace: <namespace> 1 spec: ingress: - from: - namespaceSelector: matchLabels: knative.openshift.io/part-of: "openshift-serverless" podSelector: {} policyTypes: - Ingress ...';
  const shapes = shapesByKind([policy, policy.replace('name: "x"', 'knative.openshift.io/part-of: "y"')]);
  assert.equal(reflow(flat, shapes), [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    '  name: allow',
    '  namespace: <namespace>',
    'spec:',
    '  ingress:',
    '    - from:',
    '        - namespaceSelector:',
    '            matchLabels:',
    '              knative.openshift.io/part-of: "openshift-serverless"',
    '  podSelector: {}',
    '  policyTypes:',
    '    - Ingress',
    '...',
  ].join('\n'));
});

test('callouts after values and before children go; numbers that are values stay; documents split on ---', () => {
  const shapes = shapesByKind(['kind: A\nspec:\n  ports:\n  - number: 1\n    name: x\n  enabled: true\n---\nkind: B\nmembers: [a]\n']);
  assert.equal(reflow('kind: A spec: ports: 2 - number: 8081 name: http 3 enabled: true 1 --- kind: B members: 1 - knative-serving - <namespace> 2', shapes), [
    'kind: A', 'spec:', '  ports:', '    - number: 8081', '      name: http', '  enabled: true', '---', 'kind: B', 'members:', '  - knative-serving', '  - <namespace>',
  ].join('\n'));
});

test('a key no template knows is an error, not a guess', () => {
  const shapes = shapesByKind(['kind: A\nspec:\n  x: 1\n']);
  assert.throws(() => reflow('kind: A spec: y: 2', shapes), /cannot place "y: 2"/);
  assert.throws(() => reflow('kind: C spec: y: 2', shapes), /no template example of kind "C"/);
});
