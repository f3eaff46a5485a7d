import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.ts';
import { type RouteConfig, domainConfigFromData, networkConfigFromData } from './config.ts';
import { makeLoadBalancedService, makePlaceholderService } from './placeholder.ts';
import { route } from './testing.ts';
import { resolveVisibility } from './visibility.ts';

const cfg = (): RouteConfig => ({ network: networkConfigFromData({}), domain: domainConfigFromData({ 'example.com': '' }), tagHeaderBasedRouting: false });
const h2c = [{ name: 'http2', appProtocol: 'kubernetes.io/h2c', port: 80, targetPort: 80 }];

test('MakePlaceholderService (upstream table): ExternalName to the target\'s own host, labels and annotations from the Route', () => {
  const plain = makePlaceholderService(cfg(), route([]), 'foo');
  assert.equal(plain.metadata.name, 'foo-test-route');
  assert.deepEqual(plain.metadata.labels, { 'serving.knative.dev/route': 'test-route' });
  assert.equal(plain.metadata.annotations, undefined);
  assert.deepEqual(plain.spec, { type: 'ExternalName', externalName: 'foo-test-route.default.example.com', sessionAffinity: 'None', ports: h2c });
  assert.equal(plain.metadata.ownerReferences![0]!.kind, 'Route');

  const labelled = makePlaceholderService(cfg(), route([], { labels: { 'route-label': 'foo' }, annotations: { 'route-anno': 'bar' } }), 'foo');
  assert.deepEqual(labelled.metadata.labels, { 'serving.knative.dev/route': 'test-route', 'route-label': 'foo' });
  assert.deepEqual(labelled.metadata.annotations, { 'route-anno': 'bar' });

  const local = makePlaceholderService(cfg(), route([], { labels: { 'networking.knative.dev/visibility': 'cluster-local' } }), 'foo');
  assert.deepEqual(local.metadata.labels, { 'serving.knative.dev/route': 'test-route' }, 'the visibility label is per target, never copied');
  assert.equal((local.spec as { externalName: string }).externalName, 'foo-test-route.default.svc.cluster.local');
  assert.equal(makePlaceholderService(cfg(), route([]), '').metadata.name, 'test-route');
});

const ingress = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'Ingress', metadata: { name: 'test-route' }, status });

test('MakeK8SService: the private load balancer first, then the public; domainInternal, domain, meshOnly', () => {
  const both = ingress({
    publicLoadBalancer: { ingress: [{ domainInternal: 'istio-ingressgateway.istio-system.svc.cluster.local' }] },
    privateLoadBalancer: { ingress: [{ domainInternal: 'knative-local-gateway.istio-system.svc.cluster.local' }] },
  });
  assert.deepEqual(makeLoadBalancedService(cfg(), route([]), '', both, false)!.spec, {
    type: 'ExternalName', externalName: 'knative-local-gateway.istio-system.svc.cluster.local', sessionAffinity: 'None', ports: h2c,
  });
  const publicOnly = ingress({ publicLoadBalancer: { ingress: [{ domain: 'lb.example.com' }] } });
  assert.deepEqual(makeLoadBalancedService(cfg(), route([]), '', publicOnly, false)!.spec, { type: 'ExternalName', externalName: 'lb.example.com', ports: h2c });
  assert.equal(makeLoadBalancedService(cfg(), route([]), '', publicOnly, true), undefined, 'a cluster-local target never points at the public gateway');
  const mesh = ingress({ privateLoadBalancer: { ingress: [{ meshOnly: true }] } });
  assert.deepEqual(makeLoadBalancedService(cfg(), route([]), 'v1', mesh, false)!.spec, { type: 'ClusterIP', ports: [{ name: 'http', port: 80 }] });
  assert.equal(makeLoadBalancedService(cfg(), route([]), '', ingress({}), false), undefined);
  assert.equal(makeLoadBalancedService(cfg(), route([]), '', ingress({ privateLoadBalancer: { ingress: [{ domain: 'a' }, { domain: 'b' }] } }), false), undefined);
});

test('visibility: the route\'s label, or a placeholder Service\'s label for its own target', () => {
  const r = route([{ configurationName: 'c', percent: 100 }, { revisionName: 'r', tag: 'blue', percent: 0 }]);
  assert.deepEqual(Object.fromEntries(resolveVisibility(cfg(), r, [])), { '': 'ExternalIP', blue: 'ExternalIP' });
  const blueSvc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'blue-test-route', labels: { 'networking.knative.dev/visibility': 'cluster-local' } } };
  assert.deepEqual(Object.fromEntries(resolveVisibility(cfg(), r, [blueSvc])), { '': 'ExternalIP', blue: 'ClusterLocal' });
  const local = route([{ configurationName: 'c', percent: 100 }, { revisionName: 'r', tag: 'blue', percent: 0 }], { labels: { 'networking.knative.dev/visibility': 'cluster-local' } });
  assert.deepEqual(Object.fromEntries(resolveVisibility(cfg(), local, [])), { '': 'ClusterLocal', blue: 'ClusterLocal' });
  // No public domain in config-domain: everything is cluster-local.
  const noDomain: RouteConfig = { ...cfg(), domain: domainConfigFromData({}) };
  assert.deepEqual(Object.fromEntries(resolveVisibility(noDomain, r, [])), { '': 'ClusterLocal', blue: 'ClusterLocal' });
});
