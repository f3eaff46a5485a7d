import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingressGatewayServiceCheck, wildcardHttpsGatewayCheck } from './preflight.ts';
import { gateway, namespace, service, snapshotOf } from './testing/fixtures.ts';

const https443 = (hosts: string[]) => ({ selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts, tls: { mode: 'SIMPLE', credentialName: 'c' } }] });

describe('preflight: Gateways binding 443 "*"', () => {
  it('passes for knative-serving\'s own, other ports and other hosts', () => {
    const snap = snapshotOf({
      gateways: [
        gateway('knative-serving', 'knative-ingress-gateway', https443(['*'])),
        gateway('apps', 'local', { servers: [{ port: { number: 8081 }, hosts: ['*'] }] }),
        gateway('apps', 'shop', https443(['shop.example.com', '*.example.com'])),
      ],
    });
    assert.equal(wildcardHttpsGatewayCheck(snap, 'istio-system').result, 'success');
  });

  it('fails for one elsewhere (also with a namespace prefix on the host), naming it and the fix', () => {
    const snap = snapshotOf({ namespaces: [namespace('apps', 'istio-system')], gateways: [gateway('apps', 'greedy', https443(['./*']))] });
    const result = wildcardHttpsGatewayCheck(snap, 'istio-system');
    assert.equal(result.result, 'error');
    assert.equal(result.error, 'Gateway apps/greedy binds port 443 with hosts ["*"]');
    assert.match(result.hint!, /kubectl edit gateway -n apps greedy/);
  });

  it('ignores Gateways of another mesh', () => {
    const snap = snapshotOf({ namespaces: [namespace('other', 'other-mesh')], gateways: [gateway('other', 'theirs', https443(['*']))] });
    assert.equal(wildcardHttpsGatewayCheck(snap, 'istio-system').result, 'success');
    assert.equal(wildcardHttpsGatewayCheck(snap, 'other-mesh').result, 'error');
  });
});

describe('preflight: istio-ingressgateway Service type', () => {
  it('passes for ClusterIP (the default type)', () => {
    assert.equal(ingressGatewayServiceCheck(snapshotOf({ services: [service('istio-system', 'istio-ingressgateway', {})] })).result, 'success');
  });

  it('fails for NodePort and LoadBalancer in any namespace', () => {
    const snap = snapshotOf({ services: [service('istio-system', 'istio-ingressgateway', { type: 'LoadBalancer' }), service('b', 'istio-ingressgateway', { type: 'NodePort' }), service('c', 'other', { type: 'NodePort' })] });
    const result = ingressGatewayServiceCheck(snap);
    assert.equal(result.result, 'error');
    assert.equal(result.error, 'Service istio-system/istio-ingressgateway has type LoadBalancer; Service b/istio-ingressgateway has type NodePort');
  });

  it('warns when there is none yet', () => {
    assert.equal(ingressGatewayServiceCheck(snapshotOf()).result, 'warning');
  });
});
