import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { gatewayPeerOf, workloadNameOf } from './peers.ts';
import { drainDeadlineMs, gatewayWorkloadOf, isGatewayPod, meshNamespaceOf, terminationDrainMs } from './workload.ts';

const gatewayPod = (extra: Partial<Pod['metadata']> = {}, grace?: number): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'istio-ingressgateway-6b8d7f9c4-qwert', namespace: 'istio-system', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway', 'maistra-control-plane': 'istio-system', 'service.istio.io/canonical-name': 'istio-ingressgateway' }, ...extra },
  spec: {
    serviceAccountName: 'istio-ingressgateway-service-account',
    ...(grace !== undefined ? { terminationGracePeriodSeconds: grace } : {}),
    containers: [{ name: 'istio-proxy', args: ['proxy', 'router', '--domain', 'x'], ports: [{ name: 'https', containerPort: 8443 }], env: [{ name: 'ISTIO_META_WORKLOAD_NAME', value: 'istio-ingressgateway' }] } as never],
  },
});

describe('gateway workloads', () => {
  it('recognises pods running `proxy router` and describes them for the compiler', () => {
    assert.equal(isGatewayPod(gatewayPod()), true);
    assert.equal(isGatewayPod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'istio-proxy', args: ['proxy', 'sidecar'] } as never] } }), false);
    assert.deepEqual(gatewayWorkloadOf(gatewayPod()).namedPorts, { https: 8443 });
    assert.equal(meshNamespaceOf(gatewayPod()), 'istio-system');
  });

  it('drains for terminationDrainDuration, never past the grace period', () => {
    assert.equal(terminationDrainMs({ defaultConfig: { terminationDrainDuration: '35s' } }), 35_000);
    assert.equal(terminationDrainMs({ defaultConfig: { terminationDrainDuration: '1m30s' } }), 90_000);
    assert.equal(terminationDrainMs({}), 5_000);
    assert.equal(terminationDrainMs({ defaultConfig: { terminationDrainDuration: 'soon' } }), 5_000);
    assert.equal(drainDeadlineMs(gatewayPod({ deletionGracePeriodSeconds: 30 }), 35_000), 30_000);
    assert.equal(drainDeadlineMs(gatewayPod({}, 60), 35_000), 35_000);
    assert.equal(drainDeadlineMs(gatewayPod({ deletionGracePeriodSeconds: 0 }), 35_000), 0);
  });

  it('labels the gateway as Istio\'s source workload with its SPIFFE identity', () => {
    assert.deepEqual(gatewayPeerOf(gatewayPod(), 'cluster.local'), {
      workload: 'istio-ingressgateway', namespace: 'istio-system', app: 'istio-ingressgateway', canonicalService: 'istio-ingressgateway',
      principal: 'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    });
    assert.equal(workloadNameOf('hello-7d9f8b6c5-x2x4q'), 'hello');
    assert.equal(workloadNameOf('standalone'), 'standalone');
  });
});
