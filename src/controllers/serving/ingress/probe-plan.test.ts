import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.ts';
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import type { Service } from '../../../api/builtin/core/service-view.ts';
import { planProbes, serverHostCovers } from './probe-plan.ts';

const gatewayPod = (name: string, ip: string, phase = 'Running'): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'istio-system', labels: { istio: 'ingressgateway', knative: 'ingressgateway' } },
  spec: { containers: [{ name: 'istio-proxy', args: ['proxy', 'router'], ports: [{ name: 'https', containerPort: 8443 }] } as never] },
  status: { phase, podIP: ip },
});
const gatewaySvc: Service = {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
  spec: { selector: { istio: 'ingressgateway' }, ports: [{ name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }] },
};
const gateway = (servers: unknown[], name = 'knative-ingress-gateway'): KubeObject => ({
  apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name, namespace: 'knative-serving' }, spec: { selector: { knative: 'ingressgateway' }, servers },
});
const HTTPS_SIMPLE = { hosts: ['*'], port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'wildcard-certs' } };
const hosts = new Map([['knative-serving/knative-ingress-gateway', ['hello-default.apps.example.com']]]);

test('server host patterns', () => {
  assert.equal(serverHostCovers('*', 'ns', 'a.b'), true);
  assert.equal(serverHostCovers('*.example.com', 'ns', 'a.example.com'), true);
  assert.equal(serverHostCovers('*.example.com', 'ns', 'example.com'), false);
  assert.equal(serverHostCovers('./a.b', 'ns', 'a.b'), true);
});

test('the OSSM gateway (HTTPS SIMPLE on 443): each running pod on the translated port 8443, over TLS', () => {
  const plan = planProbes({ hostsByGateway: hosts, gateways: [gateway([HTTPS_SIMPLE])], pods: [gatewayPod('gw-1', '10.0.0.5'), gatewayPod('gw-2', '10.0.0.6', 'Pending')], services: [gatewaySvc] });
  assert.deepEqual(plan, {
    waiting: [],
    targets: [{ gateway: 'knative-serving/knative-ingress-gateway', pod: 'istio-system/gw-1', address: '10.0.0.5', port: 8443, tls: true, host: 'hello-default.apps.example.com' }],
  });
});

test('plain HTTP server; ISTIO_MUTUAL servers are not probed', () => {
  const http = planProbes({ hostsByGateway: hosts, gateways: [gateway([{ hosts: ['*'], port: { number: 80, name: 'http', protocol: 'HTTP' } }])], pods: [gatewayPod('gw-1', '10.0.0.5')], services: [gatewaySvc] });
  assert.deepEqual(http.targets.map((t) => [t.port, t.tls]), [[8080, false]]);
  const mutual = planProbes({ hostsByGateway: hosts, gateways: [gateway([{ ...HTTPS_SIMPLE, tls: { mode: 'ISTIO_MUTUAL' } }])], pods: [gatewayPod('gw-1', '10.0.0.5')], services: [gatewaySvc] });
  assert.deepEqual(mutual, { targets: [], waiting: [] });
});

test('waiting: a missing gateway, a gateway without running pods', () => {
  assert.deepEqual(planProbes({ hostsByGateway: hosts, gateways: [], pods: [], services: [] }).waiting, ['gateway knative-serving/knative-ingress-gateway does not exist']);
  assert.deepEqual(planProbes({ hostsByGateway: hosts, gateways: [gateway([HTTPS_SIMPLE])], pods: [], services: [] }).waiting, ['gateway knative-serving/knative-ingress-gateway has no running pods']);
});
