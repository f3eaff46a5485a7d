import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MeshSnapshot } from '../config/compile-proxy.ts';
import { istio } from '../config/testing-fixtures.ts';
import { meshNamespaces, scopeToMesh } from './mesh-scope.ts';

describe('mesh scope', () => {
  it('keeps the control plane\'s namespace and its members, drops everything else', () => {
    const visible = meshNamespaces('istio-system', [
      { metadata: { name: 'knative-serving', labels: { 'maistra.io/member-of': 'istio-system' } } },
      { metadata: { name: 'other-mesh-app', labels: { 'maistra.io/member-of': 'other-mesh' } } },
      { metadata: { name: 'plain' } },
    ]);
    assert.deepEqual([...visible].sort(), ['istio-system', 'knative-serving']);
    const snapshot: MeshSnapshot = {
      rootNamespace: 'istio-system', services: [], endpointSlices: [], pods: [], secrets: [], destinationRules: [], serviceEntries: [], authorizationPolicies: [],
      gateways: [istio('Gateway', 'knative-serving', 'a', {}), istio('Gateway', 'plain', 'b', {}), istio('Gateway', 'other-mesh-app', 'c', {})],
      virtualServices: [istio('VirtualService', 'istio-system', 'v', {}), istio('VirtualService', 'plain', 'w', {})],
    };
    const scoped = scopeToMesh(snapshot, visible);
    assert.deepEqual(scoped.gateways.map((g) => g.metadata.name), ['a']);
    assert.deepEqual(scoped.virtualServices.map((g) => g.metadata.name), ['v']);
    assert.equal(scoped.rootNamespace, 'istio-system');
  });
});
