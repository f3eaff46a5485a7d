import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointSubset } from '../../../core/endpoints/resources/endpoints.ts';
import { chooseSubset, planPublicEndpoints, subsetEndpoints } from './endpoints.ts';
import { filterSubsetPorts, makePrivateService, makePublicEndpoints, makePublicService, type ServerlessService } from './services.ts';

const sks: ServerlessService = {
  apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ServerlessService',
  metadata: { name: 'hello-00001', namespace: 'default', uid: 'sks-uid', labels: { 'serving.knative.dev/revision': 'hello-00001' } },
  spec: { mode: 'Serve', numActivators: 2, protocolType: 'http1', objectRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello-00001-deployment' } },
};

const subset = (ips: string[], ports = [{ name: 'http', port: 8012, protocol: 'TCP' }, { name: 'https', port: 8112, protocol: 'TCP' }, { name: 'http-autometric', port: 9090, protocol: 'TCP' }]): EndpointSubset =>
  ({ addresses: ips.map((ip) => ({ ip })), ports });

describe('SKS services', () => {
  it('makes a selectorless public Service and a private Service selecting the pods', () => {
    const pub = makePublicService(sks);
    assert.equal(pub.metadata.name, 'hello-00001');
    assert.equal(pub.metadata.labels!['networking.internal.knative.dev/serverlessservice'], 'hello-00001');
    assert.equal(pub.metadata.labels!['networking.internal.knative.dev/serviceType'], 'Public');
    assert.equal(pub.metadata.labels!['serving.knative.dev/revision'], 'hello-00001');
    assert.equal(pub.metadata.ownerReferences![0]!.uid, 'sks-uid');
    assert.deepEqual(pub.spec, { ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8012 }, { name: 'https', protocol: 'TCP', port: 443, targetPort: 8112 }] });

    const priv = makePrivateService(sks, { 'serving.knative.dev/revisionUID': 'rev-uid' });
    assert.equal(priv.metadata.name, 'hello-00001-private');
    assert.equal(priv.metadata.labels!['networking.internal.knative.dev/serviceType'], 'Private');
    const spec = priv.spec as { ports: Array<{ name: string; port: number; targetPort: number | string }>; selector: Record<string, string> };
    assert.deepEqual(spec.ports.map((p) => `${p.name}:${p.port}->${p.targetPort}`), ['http:80->8012', 'https:443->8112', 'http-autometric:9090->http-autometric', 'http-usermetric:9091->http-usermetric', 'http-queueadm:8022->8022', 'http-istio:8012->8012']);
    assert.deepEqual(spec.selector, { 'serving.knative.dev/revisionUID': 'rev-uid' });
  });

  it('uses the h2c ports for an h2c revision', () => {
    const h2c = { ...sks, spec: { ...sks.spec, protocolType: 'h2c' } };
    const port = (makePublicService(h2c).spec as { ports: Array<Record<string, unknown>> }).ports[0];
    assert.deepEqual(port, { name: 'http2', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c', port: 81, targetPort: 8013 });
  });

  it('keeps only the serving and TLS ports in the public Endpoints', () => {
    assert.deepEqual(filterSubsetPorts(sks, [subset(['10.0.0.1'])]), [subset(['10.0.0.1'], [{ name: 'http', port: 8012, protocol: 'TCP' }, { name: 'https', port: 8112, protocol: 'TCP' }])]);
    assert.equal(makePublicEndpoints(sks, []).subsets, undefined);
  });
});

describe('public endpoints plan', () => {
  const pods = { subsets: [subset(['10.1.0.1', '10.1.0.2'])] };
  const activators = { subsets: [subset(['10.9.0.1', '10.9.0.2', '10.9.0.3'])] };
  const ips = (subsets: EndpointSubset[]) => subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();

  it('Serve: the ready pods', () => {
    const plan = planPublicEndpoints({ name: 'hello-00001', mode: 'Serve', numActivators: 2 }, pods, activators);
    assert.equal(plan.mode, 'Serve');
    assert.equal(plan.servingEndpoints, true);
    assert.deepEqual(ips(plan.subsets), ['10.1.0.1', '10.1.0.2']);
  });

  it('Proxy: numActivators of the activators; no ready pod forces Proxy', () => {
    const plan = planPublicEndpoints({ name: 'hello-00001', mode: 'Proxy', numActivators: 2 }, pods, activators);
    assert.equal(plan.mode, 'Proxy');
    assert.equal(ips(plan.subsets).length, 2);
    assert.ok(ips(plan.subsets).every((ip) => ip.startsWith('10.9.')));
    const forced = planPublicEndpoints({ name: 'hello-00001', mode: 'Serve', numActivators: 2 }, { subsets: [{ notReadyAddresses: [{ ip: '10.1.0.1' }] }] }, activators);
    assert.equal(forced.mode, 'Proxy');
    assert.equal(forced.servingEndpoints, false);
  });

  it('no ready activator forces Serve (even with no pods)', () => {
    const plan = planPublicEndpoints({ name: 'hello-00001', mode: 'Proxy', numActivators: 2 }, { subsets: [] }, undefined);
    assert.equal(plan.mode, 'Serve');
    assert.deepEqual(plan.subsets, []);
  });

  it('chooses a stable subset, at least 2, all when there are few', () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    assert.deepEqual(chooseSubset(all, 2, 'rev-1'), chooseSubset([...all].reverse(), 2, 'rev-1'));
    assert.equal(ips(subsetEndpoints([subset(['1.1.1.1', '1.1.1.2', '1.1.1.3'])], 'x', 1)).length, 2);
    assert.equal(ips(subsetEndpoints([subset(['1.1.1.1', '1.1.1.2'])], 'x', 2)).length, 2);
    assert.equal(ips(subsetEndpoints([subset(['1.1.1.1', '1.1.1.2', '1.1.1.3'])], 'x', 0)).length, 3);
  });
});
