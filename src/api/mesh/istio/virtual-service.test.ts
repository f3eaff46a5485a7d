import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { checkVirtualService } from './virtual-service.ts';

function vs(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'hello-ingress', namespace: 'default' }, spec };
}

const messages = (spec: Record<string, unknown>): string[] => checkVirtualService(vs(spec)).errors.map((e) => `${e.field}: ${e.detail}`);
const dest = (host: string, weight?: number): Record<string, unknown> => ({ destination: { host, port: { number: 80 } }, ...(weight === undefined ? {} : { weight }) });

test('a Knative-style ingress VirtualService is valid', () => {
  assert.deepEqual(messages({
    gateways: ['knative-serving/knative-ingress-gateway', 'knative-serving/knative-local-gateway'],
    hosts: ['hello.default', 'hello.default.svc', 'hello.default.svc.cluster.local', 'hello-default.apps.openshift.example.com'],
    http: [{
      match: [{ authority: { prefix: 'hello.default' }, gateways: ['knative-serving/knative-local-gateway'] }],
      headers: { request: { set: { 'K-Network-Hash': 'abc' } } },
      retries: {},
      route: [dest('hello-00001.default.svc.cluster.local', 90), dest('hello-00002.default.svc.cluster.local', 10)],
      timeout: '48h0m0s',
    }],
  }), []);
});

test('hosts: required unless a delegate, no * for the mesh, no duplicates', () => {
  assert.deepEqual(messages({ gateways: ['gw'], tcp: [{ route: [dest('a.b')] }] }), [
    'spec.gateways: delegate virtual service must have no gateways specified',
    'spec.tcp: delegate virtual service must have no tcp route specified',
  ]);
  assert.deepEqual(messages({ hosts: ['*'], http: [{ route: [dest('a.b')] }] }), ['spec.hosts[0]: wildcard host * is not allowed for virtual services bound to the mesh gateway']);
  assert.deepEqual(messages({ hosts: ['*.foo.com', 'bar.foo.com'], gateways: ['ns/gw'], http: [{ route: [dest('a.b')] }] }), [
    'spec.hosts[1]: duplicate hosts in virtual service: *.foo.com & bar.foo.com',
  ]);
  assert.deepEqual(messages({ hosts: ['a.b'] }), ['spec.http: http, tcp or tls must be provided in virtual service']);
});

test('route weights: several destinations may not all weigh 0; negative weights fail', () => {
  assert.deepEqual(messages({ hosts: ['a.b'], http: [{ route: [dest('x.y', 0), dest('z.y', 0)] }] }), [
    'spec.http[0].route: total destination weight = 0: give at least one destination a positive weight',
  ]);
  assert.deepEqual(messages({ hosts: ['a.b'], http: [{ route: [dest('x.y', -5), dest('z.y', 105)] }] }), ['spec.http[0].route[0].weight: weight -5 < 0']);
  assert.deepEqual(messages({ hosts: ['a.b'], http: [{ route: [dest('x.y', 30), dest('z.y', 30)] }] }), []);
});

test('rules need a destination or another action, not two', () => {
  assert.deepEqual(messages({ hosts: ['a.b'], http: [{}] }), ['spec.http[0].route: HTTP route, redirect or direct_response is required']);
  assert.deepEqual(messages({ hosts: ['a.b'], http: [{ redirect: { uri: '/x' }, route: [dest('x.y')] }] }), ['spec.http[0].redirect: HTTP route cannot contain both route and redirect']);
  assert.deepEqual(messages({ hosts: ['a.b'], http: [{ route: [{ weight: 100 }, dest('*')] }] }), [
    'spec.http[0].route[0].destination: destination is required',
    'spec.http[0].route[1].destination.host: invalid destination host *',
  ]);
});

test('gateway references and TLS rules', () => {
  const found = checkVirtualService(vs({ hosts: ['a.example.com'], gateways: ['gw.istio-system'], tls: [{ match: [{ sniHosts: ['b.other.com'] }], route: [dest('a.b')] }] }));
  assert.deepEqual(found.warnings, ['using legacy gatewayName format "gw.istio-system"; prefer the <namespace>/<name> format: "istio-system/gw"']);
  assert.deepEqual(found.errors.map((e) => `${e.field}: ${e.detail}`), [
    'spec.tls[0].match[0].sniHosts[0]: SNI host "b.other.com" is not a compatible subset of any of the virtual service hosts: [a.example.com]',
  ]);
  assert.deepEqual(messages({ hosts: ['a.b'], gateways: ['bad_ns/gw'], tls: [{ route: [dest('a.b')] }] }), [
    'spec.gateways[0]: invalid value for namespace: "bad_ns"',
    'spec.tls[0].match: TLS route must have at least one match condition',
  ]);
});
