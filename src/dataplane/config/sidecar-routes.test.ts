import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DestinationRule, VirtualService, VirtualServiceSpec } from './istio-specs.ts';
import type { RouteAction } from './model.ts';
import { pickCluster, rewritePath, selectRoute } from './route-selection.ts';
import type { RouteRequest } from './route-match.ts';
import { compileSidecarRoutes } from './sidecar-routes.ts';
import { istio } from './testing-fixtures.ts';
import { bookinfo, registryOf } from './testing-services.ts';

const proxy = { namespace: 'bookinfo', labels: { app: 'productpage', version: 'v1' } };
const subsets: DestinationRule = istio('DestinationRule', 'bookinfo', 'reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });

function vs(name: string, spec: VirtualServiceSpec, namespace = 'bookinfo'): VirtualService {
  return istio('VirtualService', namespace, name, spec);
}

function compile(virtualServices: VirtualService[], port = 9080, labels = proxy.labels): ReturnType<typeof compileSidecarRoutes> {
  return compileSidecarRoutes({ port, virtualServices, destinationRules: [subsets], registry: registryOf(bookinfo()), proxy: { ...proxy, labels }, rootNamespace: 'istio-system' });
}

const get = (authority: string, path = '/', headers: Record<string, string> = {}): RouteRequest => ({ method: 'GET', path, authority, headers });

function forward(action: RouteAction): Extract<RouteAction, { type: 'forward' }> {
  assert.equal(action.type, 'forward');
  return action as Extract<RouteAction, { type: 'forward' }>;
}

describe('sidecar (mesh) routes', () => {
  it('without VirtualServices every HTTP service on the port gets a default route, reachable by short names', () => {
    const { routeConfig, problems } = compile([]);
    assert.deepEqual(problems, []);
    assert.equal(routeConfig.name, '9080');
    assert.deepEqual(routeConfig.virtualHosts.map((v) => v.name), ['reviews.bookinfo.svc.cluster.local:9080', 'ratings.bookinfo.svc.cluster.local:9080']);
    assert.deepEqual(routeConfig.virtualHosts[0]!.domains, ['reviews.bookinfo.svc.cluster.local', 'reviews.bookinfo.svc', 'reviews.bookinfo', 'reviews', '127.96.0.20']);
    const picked = selectRoute(routeConfig, get('reviews:9080'));
    assert.ok(picked.found);
    const action = forward(picked.route.action);
    assert.equal(action.clusters[0]!.cluster, 'outbound|9080||reviews.bookinfo.svc.cluster.local');
    assert.deepEqual(action.retries, { attempts: 2, retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'], retriableStatusCodes: [] });
    assert.equal(compile([], 5432).routeConfig.virtualHosts.length, 0, 'TCP services have no HTTP routes');
  });

  it('routes by header to a subset, weights the rest, and 404s nothing else', () => {
    const reviews = vs('reviews', {
      hosts: ['reviews'],
      http: [
        { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
        { route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 75 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 25 }] },
      ],
    });
    const { routeConfig, problems } = compile([reviews]);
    assert.deepEqual(problems, []);
    const jason = selectRoute(routeConfig, get('reviews.bookinfo.svc.cluster.local', '/', { 'end-user': 'jason' }));
    assert.ok(jason.found);
    assert.equal(forward(jason.route.action).clusters[0]!.cluster, 'outbound|9080|v2|reviews.bookinfo.svc.cluster.local');
    const other = selectRoute(routeConfig, get('reviews'));
    assert.ok(other.found);
    const clusters = forward(other.route.action).clusters;
    assert.deepEqual(clusters.map((c) => [c.subset, c.weight]), [['v1', 75], ['v2', 25]]);
    assert.equal(pickCluster(clusters, 0.5)?.subset, 'v1');
    assert.equal(pickCluster(clusters, 0.8)?.subset, 'v2');
  });

  it('the oldest mesh VirtualService owns a host; gateway-only ones do not apply', () => {
    const first = vs('first', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] });
    const second = vs('second', { hosts: ['reviews.bookinfo.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] });
    const gatewayOnly = vs('edge', { gateways: ['istio-system/ingress'], hosts: ['ratings'], http: [{ route: [{ destination: { host: 'reviews' } }] }] });
    const { routeConfig, problems } = compile([second, gatewayOnly, first]);
    assert.deepEqual(problems.map((p) => [p.code, p.object.name]), [['virtual-service-duplicate-host', 'second']]);
    assert.deepEqual(routeConfig.virtualHosts.map((v) => v.routes[0]!.origin.virtualService), ['bookinfo/first', '']);
  });

  it('sourceLabels and port are decided for the proxy at compile time', () => {
    const spec: VirtualServiceSpec = { hosts: ['reviews'], http: [
      { match: [{ sourceLabels: { app: 'productpage' }, port: 9080 }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
      { match: [{ port: 1234 }], route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ] };
    assert.deepEqual(compile([vs('r', spec)]).routeConfig.virtualHosts[0]!.routes.map((r) => [r.origin.ruleIndex, r.matches.length]), [[0, 0]], 'only place conditions: a catch-all for this proxy');
    // Nothing left for this proxy: istiod falls back to the service's default route.
    assert.deepEqual(compile([vs('r', spec)], 9080, { app: 'details', version: 'v1' }).routeConfig.virtualHosts[0]!.routes.map((r) => r.name), ['default']);
  });

  it('compiles timeout, retries, fault, mirror, rewrite, redirect and direct responses', () => {
    const ratings = vs('ratings', { hosts: ['ratings'], http: [
      { match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new', authority: 'ratings.example.com' } },
      { match: [{ uri: { exact: '/health' } }], directResponse: { status: 204, body: { string: 'ok' } } },
      {
        match: [{ uri: { prefix: '/v1/' } }],
        rewrite: { uri: '/api/', authority: 'ratings.internal' },
        timeout: '2.5s',
        retries: { attempts: 3, perTryTimeout: '500ms', retryOn: '5xx,429' },
        fault: { delay: { fixedDelay: '1s', percentage: { value: 10 } }, abort: { httpStatus: 503, percentage: { value: 0.5 } } },
        mirror: { host: 'reviews', subset: 'v1' }, mirrorPercentage: { value: 20 },
        route: [{ destination: { host: 'ratings', port: { number: 9080 } } }],
      },
    ] });
    const { routeConfig, problems } = compile([ratings]);
    assert.deepEqual(problems, []);
    const redirect = selectRoute(routeConfig, get('ratings', '/old/x'));
    assert.ok(redirect.found);
    assert.deepEqual(redirect.route.action, { type: 'redirect', status: 301, uri: '/new', authority: 'ratings.example.com' });
    const health = selectRoute(routeConfig, get('ratings', '/health'));
    assert.ok(health.found);
    assert.deepEqual(health.route.action, { type: 'direct-response', status: 204, body: 'ok' });
    const api = selectRoute(routeConfig, get('ratings', '/v1/items?x=1'));
    assert.ok(api.found);
    const action = forward(api.route.action);
    assert.equal(action.timeoutMs, 2500);
    assert.deepEqual(action.retries, { attempts: 3, retryOn: ['5xx', 'retriable-status-codes'], retriableStatusCodes: [429], perTryTimeoutMs: 500 });
    assert.deepEqual(action.fault, { delay: { fixedDelayMs: 1000, percentage: 10 }, abort: { percentage: 0.5, httpStatus: 503 } });
    assert.deepEqual(action.mirrors, [{ cluster: 'outbound|9080|v1|reviews.bookinfo.svc.cluster.local', host: 'reviews.bookinfo.svc.cluster.local', port: 9080, subset: 'v1', percentage: 20 }]);
    assert.equal(action.rewrite?.authority, 'ratings.internal');
    assert.equal(rewritePath('/v1/items?x=1', action), '/api/items?x=1');
    assert.equal(selectRoute(routeConfig, get('ratings', '/other')).found, false);
  });

  it('setting :authority or host in request headers rewrites the authority (rewrite.authority wins)', () => {
    const ratings = vs('ratings', { hosts: ['ratings'], http: [
      { match: [{ uri: { prefix: '/a' } }], headers: { request: { set: { ':authority': 'a.internal', 'x-a': '1' } } }, route: [{ destination: { host: 'ratings', port: { number: 9080 } } }] },
      { headers: { request: { add: { Host: 'b.internal' } } }, rewrite: { authority: 'c.internal' }, route: [{ destination: { host: 'ratings', port: { number: 9080 } } }] },
    ] });
    const { routeConfig } = compile([ratings]);
    const a = selectRoute(routeConfig, get('ratings', '/a'));
    assert.ok(a.found);
    assert.equal(forward(a.route.action).rewrite?.authority, 'a.internal');
    assert.deepEqual(a.route.requestHeaders.set, { 'x-a': '1' });
    const b = selectRoute(routeConfig, get('ratings', '/b'));
    assert.ok(b.found);
    assert.equal(forward(b.route.action).rewrite?.authority, 'c.internal');
  });

  it('a destination without port on a multi-port service is flagged', () => {
    const ratings = vs('ratings', { hosts: ['ratings'], http: [{ route: [{ destination: { host: 'ratings' } }] }] });
    const { routeConfig, problems } = compile([ratings]);
    assert.deepEqual(problems.map((p) => p.code), ['route-port-ambiguous']);
    const picked = selectRoute(routeConfig, get('ratings'));
    assert.ok(picked.found);
    assert.equal(forward(picked.route.action).clusters[0]!.cluster, 'outbound|9080||ratings.bookinfo.svc.cluster.local', 'falls back to the listener port');
  });
});
