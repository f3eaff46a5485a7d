import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/object.ts';
import { memberNetworkPolicies } from './network-policies.ts';

test('members get copies of the mesh NetworkPolicies except the internal ones, relabelled as the mesh\'s', () => {
  const np = (name: string, annotations?: Record<string, string>): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: { name, namespace: 'istio-system', labels: { app: 'istio', 'maistra.io/owner': 'istio-system', 'maistra.io/owner-name': 'basic', 'app.kubernetes.io/version': '2.5.1-1' }, ...(annotations ? { annotations } : {}) },
    spec: { podSelector: {} },
  });
  const copies = memberNetworkPolicies([np('istio-mesh-basic'), np('istio-istiod-basic', { 'maistra.io/internal': 'true' })], 'istio-system', 'bookinfo');
  assert.deepEqual(copies, [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'istio-mesh-basic', namespace: 'bookinfo', labels: { app: 'istio', 'maistra.io/member-of': 'istio-system' } }, spec: { podSelector: {} } }]);
});
