import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distinctHostPrefixes, expandedHosts } from './hosts.ts';
import { ingressHash } from './probe-hash.ts';
import { helloIngress, type Json } from './testing-fixtures.ts';
import { makeVirtualServices, type GatewaysByVisibility } from './virtual-services.ts';

const GATEWAYS: GatewaysByVisibility = { ExternalIP: ['knative-serving/knative-ingress-gateway'], ClusterLocal: ['knative-serving/knative-local-gateway'] };

test('expandedHosts and distinct prefixes', () => {
  assert.deepEqual([...expandedHosts(['a.b.svc.cluster.local', 'x.example.com'])].sort(), ['a.b', 'a.b.svc', 'a.b.svc.cluster.local', 'x.example.com']);
  assert.deepEqual(distinctHostPrefixes(['a.b.svc.cluster.local', 'a.b', 'a.b.svc', 'c.d']), ['a.b', 'c.d']);
});

test('the hash follows the spec, not its key order', () => {
  const a = helloIngress();
  const b = helloIngress();
  b.spec = { rules: b.spec!.rules, httpOption: 'Enabled' };
  assert.equal(ingressHash(a), ingressHash(b));
  b.spec.httpOption = 'Redirected';
  assert.notEqual(ingressHash(a), ingressHash(b));
});

test('-ingress and -mesh VirtualServices for the hello ingress', () => {
  const ing = helloIngress();
  const { virtualServices, hash } = makeVirtualServices(ing, GATEWAYS);
  assert.deepEqual(virtualServices.map((v) => v.metadata.name), ['hello-mesh', 'hello-ingress']);
  const [mesh, ingress] = virtualServices as unknown as [Json, Json];
  assert.equal(ingress.apiVersion, 'networking.istio.io/v1beta1');
  assert.equal(ingress.metadata.labels['networking.internal.knative.dev/ingress'], 'hello');
  assert.equal(ingress.metadata.labels['serving.knative.dev/route'], undefined);
  assert.equal(ingress.metadata.labels['serving.knative.dev/service'], 'hello');
  assert.deepEqual(ingress.metadata.ownerReferences, [{ apiVersion: ing.apiVersion, kind: 'Ingress', name: 'hello', uid: ing.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(ingress.spec.gateways, ['knative-serving/knative-ingress-gateway', 'knative-serving/knative-local-gateway']);
  assert.deepEqual(ingress.spec.hosts, ['hello-default.apps.example.com', 'hello.default', 'hello.default.svc', 'hello.default.svc.cluster.local']);
  // Per rule: probe route then the real one.
  assert.equal(ingress.spec.http.length, 4);
  const [probeLocal, local, probeExternal, external] = ingress.spec.http;
  assert.deepEqual(local.match, [{ gateways: ['knative-serving/knative-local-gateway'], authority: { prefix: 'hello.default' } }]);
  assert.deepEqual(external, {
    match: [{ gateways: ['knative-serving/knative-ingress-gateway'], authority: { prefix: 'hello-default.apps.example.com' } }],
    route: [{
      destination: { host: 'hello-00001.default.svc.cluster.local', port: { number: 80 } }, weight: 100,
      headers: { request: { set: { 'Knative-Serving-Revision': 'hello-00001', 'Knative-Serving-Namespace': 'default' } } },
    }],
    retries: {},
  });
  assert.deepEqual(probeExternal.match[0].headers, { 'K-Network-Hash': { exact: 'override' } });
  assert.deepEqual(probeExternal.headers, { request: { set: { 'K-Network-Hash': hash } } });
  assert.equal(probeLocal.match[0].headers['K-Network-Hash'].exact, 'override');
  assert.deepEqual(mesh.spec.gateways, ['mesh']);
  assert.deepEqual(mesh.spec.hosts, ['hello.default', 'hello.default.svc', 'hello.default.svc.cluster.local']);
  assert.equal(mesh.spec.http.length, 2);
});

test('mesh-only mode: no -ingress VirtualService, mesh hosts unexpanded', () => {
  const ing = helloIngress();
  ing.spec!.rules![0]!.hosts = ['hello.default.svc.cluster.local'];
  const { virtualServices } = makeVirtualServices(ing, { ExternalIP: [], ClusterLocal: [] });
  assert.deepEqual(virtualServices.map((v) => v.metadata.name), ['hello-mesh']);
  assert.deepEqual((virtualServices[0]!.spec as { hosts: string[] }).hosts, ['hello.default.svc.cluster.local']);
});

test('path, header matches, rewriteHost', () => {
  const ing = helloIngress();
  ing.spec!.rules = [{
    hosts: ['a.example.com'], visibility: 'ExternalIP',
    http: { paths: [{ path: '/api', headers: { 'Knative-Serving-Tag': { exact: 'blue' } }, rewriteHost: 'hello.default.svc.cluster.local', splits: [{ serviceName: 's', serviceNamespace: 'n', servicePort: 80, percent: 100 }] }] },
  }];
  const [vs] = makeVirtualServices(ing, GATEWAYS).virtualServices as unknown as [Json];
  const route = vs.spec.http[1];
  assert.deepEqual(route.match, [{ gateways: ['knative-serving/knative-ingress-gateway'], authority: { prefix: 'a.example.com' }, uri: { prefix: '/api' }, headers: { 'Knative-Serving-Tag': { exact: 'blue' } } }]);
  assert.deepEqual(route.rewrite, { authority: 'hello.default.svc.cluster.local' });
  assert.deepEqual(vs.spec.gateways, ['knative-serving/knative-ingress-gateway']);
});
