import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_EXTERNAL_GATEWAY, DEFAULT_LOCAL_GATEWAY, parseIstioConfig, privateGatewayService, publicGatewayService } from './config-istio.ts';

test('no data: the default gateways', () => {
  const r = parseIstioConfig({});
  assert.deepEqual(r, { ok: true, config: { external: [DEFAULT_EXTERNAL_GATEWAY], local: [DEFAULT_LOCAL_GATEWAY] } });
});

test('YAML lists', () => {
  const r = parseIstioConfig({
    'external-gateways': '- name: gw\n  namespace: ns\n  service: gw.istio-system.svc.cluster.local\n',
    'local-gateways': '[]',
  });
  assert.ok(r.ok);
  assert.deepEqual(r.config.external, [{ namespace: 'ns', name: 'gw', service: 'gw.istio-system.svc.cluster.local' }]);
  assert.deepEqual(r.config.local, []);
  assert.equal(publicGatewayService(r.config), 'gw.istio-system.svc.cluster.local');
  assert.equal(privateGatewayService(r.config), undefined);
});

test('"[]" for both is mesh-only', () => {
  const r = parseIstioConfig({ 'external-gateways': '[]', 'local-gateways': '[]' });
  assert.deepEqual(r, { ok: true, config: { external: [], local: [] } });
});

test('legacy keys', () => {
  const r = parseIstioConfig({
    'gateway.knative-serving.knative-ingress-gateway': 'istio-ingressgateway.istio-system.svc.cluster.local',
    'local-gateway.knative-serving.knative-local-gateway': 'knative-local-gateway.istio-system.svc.cluster.local',
    '_example': 'ignored',
  });
  assert.deepEqual(r, { ok: true, config: { external: [DEFAULT_EXTERNAL_GATEWAY], local: [DEFAULT_LOCAL_GATEWAY] } });
});

test('errors: missing fields, two defaults, not a list', () => {
  assert.equal(parseIstioConfig({ 'external-gateways': '- name: gw\n' }).ok, false);
  const two = '- {name: a, namespace: n, service: a.n.svc.cluster.local}\n- {name: b, namespace: n, service: b.n.svc.cluster.local}\n';
  assert.equal(parseIstioConfig({ 'external-gateways': two }).ok, false);
  assert.equal(parseIstioConfig({ 'local-gateways': 'name: x' }).ok, false);
});
