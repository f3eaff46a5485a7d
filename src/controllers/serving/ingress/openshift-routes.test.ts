import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { makeRoutes, routeName } from './openshift-routes.ts';
import { helloIngress, type Json } from './testing-fixtures.ts';
import type { KIngress } from './kingress.ts';

function ready(ing: KIngress): KIngress {
  return { ...ing, status: { publicLoadBalancer: { ingress: [{ domainInternal: 'istio-ingressgateway.istio-system.svc.cluster.local' }] } } };
}

test('no public load balancer yet: no routes', () => {
  assert.deepEqual(makeRoutes(helloIngress()), []);
});

test('edge route per external host, cluster-local hosts skipped', () => {
  const ing = ready(helloIngress());
  const routes = makeRoutes(ing) as unknown as [Json];
  assert.equal(routes.length, 1);
  const [r] = routes;
  const host = 'hello-default.apps.example.com';
  assert.equal(r.metadata.name, `route-${ing.metadata.uid}-${createHash('sha256').update(host).digest('hex').slice(0, 6)}`);
  assert.equal(r.metadata.name, routeName(ing.metadata.uid!, host));
  assert.equal(r.metadata.namespace, 'istio-system');
  assert.equal(r.metadata.labels['serving.knative.openshift.io/ingressName'], 'hello');
  assert.equal(r.metadata.labels['serving.knative.openshift.io/ingressNamespace'], 'default');
  assert.equal(r.metadata.labels['networking.internal.knative.dev/ingress'], 'hello');
  assert.equal(r.metadata.annotations['haproxy.router.openshift.io/timeout'], '600s');
  assert.deepEqual(r.spec, {
    host, port: { targetPort: 'http2' }, to: { kind: 'Service', name: 'istio-ingressgateway', weight: 100 },
    tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow' }, wildcardPolicy: 'None',
  });
});

test('enablePassthrough: passthrough to the gateway https port', () => {
  const routes = makeRoutes(ready(helloIngress({ annotations: { 'serving.knative.openshift.io/enablePassthrough': 'true' } }))) as unknown as [Json];
  assert.deepEqual(routes[0].spec.port, { targetPort: 'https' });
  assert.deepEqual(routes[0].spec.tls, { termination: 'passthrough', insecureEdgeTerminationPolicy: 'Redirect' });
});

test('ingress TLS forces passthrough; Redirected httpOption; timeout annotation', () => {
  const ing = ready(helloIngress({ tls: [{ hosts: ['x'], secretName: 's', secretNamespace: 'default' }], annotations: { 'serving.knative.openshift.io/setRouteTimeout': '90' } }));
  const [r] = makeRoutes(ing) as unknown as [Json];
  assert.equal(r.spec.tls.termination, 'passthrough');
  assert.equal(r.metadata.annotations['haproxy.router.openshift.io/timeout'], '90s');
  const redirected = ready(helloIngress());
  redirected.spec!.httpOption = 'Redirected';
  assert.equal((makeRoutes(redirected) as unknown as [Json])[0].spec.tls.insecureEdgeTerminationPolicy, 'Redirect');
});

test('disableRoute and svc hosts', () => {
  assert.deepEqual(makeRoutes(ready(helloIngress({ annotations: { 'serving.knative.openshift.io/disableRoute': '' } }))), []);
  const ing = ready(helloIngress());
  ing.spec!.rules![1]!.hosts = ['hello.default.svc.example.com'];
  assert.deepEqual(makeRoutes(ing), []);
});
