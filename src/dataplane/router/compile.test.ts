import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice } from '../../api/builtin/core/service-view.ts';
import type { KubeObject } from '../../api/object.ts';
import { compileRoutes } from './compile.ts';
import { routeStatusFor } from './route-status.ts';

function route(name: string, spec: Record<string, unknown>, meta: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name, namespace: 'ns', uid: name, creationTimestamp: '2026-01-01T00:00:00Z', ...meta }, spec: { to: { kind: 'Service', name: 'web', weight: 100 }, ...spec } };
}

function slice(service: string, ports: Array<{ name?: string; port: number }>, endpoints: Array<{ ip: string; ready?: boolean }>, namespace = 'ns'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { name: `${service}-x`, namespace, labels: { 'kubernetes.io/service-name': service } },
    ports, endpoints: endpoints.map((e) => ({ addresses: [e.ip], ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }) })),
  };
}

describe('compileRoutes', () => {
  const slices = [
    slice('web', [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }], [{ ip: '127.0.0.2' }, { ip: '127.0.0.3', ready: false }, { ip: '127.0.0.4', ready: true }]),
    slice('canary', [{ name: 'http', port: 8081 }], [{ ip: '127.0.0.9' }]),
    slice('web', [{ name: 'http', port: 1 }], [{ ip: '127.0.0.1' }], 'elsewhere'),
  ];

  it('generates hosts as openshift-apiserver does and keeps only ready endpoints of the target port', () => {
    const { table, verdicts } = compileRoutes([route('a', { port: { targetPort: 'metrics' } }), route('b', { subdomain: 'shop' })], slices, 'apps.test');
    assert.deepEqual(table.routes.map((r) => r.host), ['a-ns.apps.test', 'shop.apps.test']);
    assert.deepEqual(table.routes[0]!.backends[0]!.endpoints, [{ address: '127.0.0.2', port: 9090 }, { address: '127.0.0.4', port: 9090 }]);
    // No target port: each endpoint's first port.
    assert.deepEqual(table.routes[1]!.backends[0]!.endpoints.map((e) => e.port), [8080, 8080]);
    assert.deepEqual(verdicts.get('ns/a'), { host: 'a-ns.apps.test', wildcardPolicy: 'None', admitted: true });
  });

  it('resolves numeric target ports and alternate backends with their weights', () => {
    const { table } = compileRoutes([route('a', { host: 'A.Example.Test', port: { targetPort: 8080 }, alternateBackends: [{ kind: 'Service', name: 'canary', weight: 25 }] })], slices, 'apps.test');
    const [r] = table.routes;
    assert.equal(r!.host, 'a.example.test');
    assert.deepEqual(r!.backends.map((b) => [b.service, b.weight, b.endpoints.length]), [['web', 100, 2], ['canary', 25, 0]]);
    assert.equal(r!.serviceHostname, 'web.ns.svc');
  });

  it('rejects younger routes for a claimed host: other namespaces always, the same namespace on the same path', () => {
    const routes = [
      route('old', { host: 'h.test' }, { creationTimestamp: '2026-01-01T00:00:00Z' }),
      route('young', { host: 'h.test' }, { creationTimestamp: '2026-01-02T00:00:00Z' }),
      route('api', { host: 'h.test', path: '/api' }, { creationTimestamp: '2026-01-03T00:00:00Z' }),
      route('foreign', { host: 'h.test', path: '/other' }, { namespace: 'other', creationTimestamp: '2026-01-04T00:00:00Z' }),
    ];
    const { table, verdicts } = compileRoutes(routes, [], 'apps.test');
    assert.deepEqual(table.routes.map((r) => r.name), ['old', 'api']);
    assert.equal(verdicts.get('ns/young')?.message, 'route old already exposes h.test and is older');
    assert.equal(verdicts.get('other/foreign')?.message, 'a route in another namespace holds h.test and is older than foreign');
    assert.equal(verdicts.get('other/foreign')?.reason, 'HostAlreadyClaimed');
  });

  it('lets a Subdomain wildcard route claim its whole domain, apart from exact hosts', () => {
    const { table, verdicts } = compileRoutes([
      route('w1', { host: 'www.shop.test', wildcardPolicy: 'Subdomain' }),
      route('w2', { host: 'api.shop.test', wildcardPolicy: 'Subdomain' }, { namespace: 'other', creationTimestamp: '2026-01-02T00:00:00Z' }),
      route('exact', { host: 'api.shop.test' }, { namespace: 'other', creationTimestamp: '2026-01-02T00:00:00Z' }),
    ], [], 'apps.test');
    assert.deepEqual(table.routes.map((r) => r.name), ['w1', 'exact']);
    assert.equal(verdicts.get('other/w2')?.message, 'a route in another namespace holds api.shop.test and is older than w2');
    assert.equal(verdicts.get('ns/w1')?.wildcardPolicy, 'Subdomain');
  });

  it('rejects a route whose certificate does not load (ExtendedValidationFailed) and reads the balance annotation', () => {
    const { table, verdicts } = compileRoutes([
      route('bad', { tls: { termination: 'edge', certificate: 'not a certificate', key: 'nor a key' } }),
      route('lc', {}, { annotations: { 'haproxy.router.openshift.io/balance': 'leastconn' } }),
    ], [], 'apps.test');
    assert.equal(verdicts.get('ns/bad')?.reason, 'ExtendedValidationFailed');
    assert.deepEqual(table.routes.map((r) => [r.name, r.balance]), [['lc', 'leastconn']]);
  });
});

describe('routeStatusFor', () => {
  const now = new Date('2026-02-01T10:00:00.123Z');
  it('writes this router\'s ingress entry, keeps other routers\' and writes nothing when already current', () => {
    const r = route('a', {});
    r.status = { ingress: [{ host: 'x', routerName: 'sharded', conditions: [] }] };
    const status = routeStatusFor(r, { host: 'a-ns.apps.test', wildcardPolicy: 'None', admitted: true }, 'apps.test', now)!;
    assert.deepEqual(status.ingress, [
      { host: 'x', routerName: 'sharded', conditions: [] },
      { host: 'a-ns.apps.test', routerName: 'default', wildcardPolicy: 'None', routerCanonicalHostname: 'router-default.apps.test', conditions: [{ type: 'Admitted', status: 'True', lastTransitionTime: '2026-02-01T10:00:00Z' }] },
    ]);
    assert.equal(routeStatusFor({ ...r, status }, { host: 'a-ns.apps.test', wildcardPolicy: 'None', admitted: true }, 'apps.test', new Date()), undefined);
    const rejected = routeStatusFor({ ...r, status }, { host: 'a-ns.apps.test', wildcardPolicy: 'None', admitted: false, reason: 'HostAlreadyClaimed', message: 'm' }, 'apps.test', now)!;
    assert.deepEqual((rejected.ingress as Array<{ conditions: unknown[] }>)[1]!.conditions, [{ type: 'Admitted', status: 'False', lastTransitionTime: '2026-02-01T10:00:00Z', reason: 'HostAlreadyClaimed', message: 'm' }]);
  });
});
