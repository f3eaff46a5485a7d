import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNetworkPolicies, policyTypesOf } from './compile.ts';
import { namespace, pod, policy } from './fixtures.ts';

test('policyTypesOf defaults as the API server does', () => {
  const types = (spec: Parameters<typeof policy>[2]) => policyTypesOf(policy('n', 'p', spec));
  assert.deepEqual(types({}), { ingress: true, egress: false });
  assert.deepEqual(types(undefined), { ingress: true, egress: false });
  assert.deepEqual(types({ egress: [{}] }), { ingress: true, egress: true });
  assert.deepEqual(types({ egress: [] }), { ingress: true, egress: false });
  assert.deepEqual(types({ policyTypes: ['Egress'] }), { ingress: false, egress: true });
  assert.deepEqual(types({ policyTypes: ['Ingress', 'Egress'], ingress: [{}] }), { ingress: true, egress: true });
});

test('the index: pods by key and by live address, policies in name order, selection per namespace', () => {
  const index = compileNetworkPolicies({
    policies: [policy('a', 'z', { podSelector: {} }), policy('a', 'b', { podSelector: { matchLabels: { x: '1' } } }), policy('b', 'all', {})],
    pods: [
      pod('a', 'one', '10.0.0.1', { labels: { x: '1' } }),
      pod('a', 'two', '10.0.0.2'),
      pod('b', 'three', '10.0.0.3'),
      pod('b', 'gone', '10.0.0.4', { phase: 'Succeeded' }),
      { metadata: { namespace: 'b', name: 'dual' }, status: { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }] } },
    ],
    namespaces: [namespace('a'), namespace('b')],
  });
  assert.deepEqual(index.policies.map((p) => p.key), ['a/b', 'a/z', 'b/all']);
  assert.deepEqual([...index.pods.keys()], ['a/one', 'a/two', 'b/three', 'b/gone', 'b/dual']);
  assert.deepEqual([...index.podsByIp.keys()], ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.5', 'fd00::5']);
  assert.deepEqual(Object.fromEntries([...index.ingressSelecting].map(([k, v]) => [k, v.map((p) => p.key)])), {
    'a/one': ['a/b', 'a/z'], 'a/two': ['a/z'], 'b/three': ['b/all'], 'b/gone': ['b/all'], 'b/dual': ['b/all'],
  });
});

test('a policy with no podSelector selects every pod of its namespace', () => {
  const index = compileNetworkPolicies({ policies: [policy('a', 'p', { ingress: [] })], pods: [pod('a', 'one', '10.0.0.1')], namespaces: [namespace('a')] });
  assert.deepEqual(index.ingressSelecting.get('a/one')!.map((p) => p.key), ['a/p']);
});
