import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeGatewayReferences } from './analysis.ts';
import { catalogCodeOf } from './problems.ts';
import { GATEWAY_LABELS, istio, knativeIngressGateway, knativeLocalGateway } from './testing-fixtures.ts';
import { pod } from './testing-services.ts';

describe('mesh-wide analysis', () => {
  const gatewayPod = pod('istio-system', 'istio-ingressgateway-abc', '10.0.9.1', GATEWAY_LABELS);

  it('flags VirtualServices bound to missing Gateways (VS-level and match-level) but not mesh', () => {
    const vs = istio('VirtualService', 'default', 'hello', {
      gateways: ['knative-serving/knative-ingress-gateway', 'missing', 'mesh'], hosts: ['hello.example.com'],
      http: [{ match: [{ gateways: ['other-ns/also-missing'] }], route: [{ destination: { host: 'hello' } }] }],
    });
    const problems = analyzeGatewayReferences([vs], [knativeIngressGateway('certs'), knativeLocalGateway()], [gatewayPod]);
    assert.deepEqual(problems.map((p) => [p.code, p.message.split(' ')[1]]), [['virtual-service-gateway-unknown', 'default/missing'], ['virtual-service-gateway-unknown', 'other-ns/also-missing']]);
    assert.equal(catalogCodeOf(problems[0]!.code), 'SKF_MESH_CONFIG_IGNORED');
  });

  it('flags Gateways no running pod serves', () => {
    const orphan = istio('Gateway', 'default', 'orphan', { selector: { istio: 'egressgateway' }, servers: [] });
    assert.deepEqual(analyzeGatewayReferences([], [knativeLocalGateway(), orphan], [gatewayPod]).map((p) => [p.code, p.object.name]), [['gateway-no-workload', 'orphan']]);
  });
});
