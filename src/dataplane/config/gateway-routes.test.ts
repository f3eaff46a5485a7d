import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGatewayRoutes } from './gateway-routes.ts';
import type { GatewayRoutesInput } from './gateway-routes.ts';
import { compileGatewayListeners } from './gateway-listeners.ts';
import type { Gateway, VirtualService, VirtualServiceSpec } from './istio-specs.ts';
import type { CompiledRoute } from './model.ts';
import { selectRoute } from './route-selection.ts';
import type { RouteRequest } from './route-match.ts';
import { GATEWAY_LABELS, ingressGatewayService, istio, knativeLocalGateway, knativeLocalGatewayService, service } from './testing-fixtures.ts';
import { registryOf } from './testing-services.ts';

const WORKLOAD = { namespace: 'istio-system', labels: GATEWAY_LABELS };

function vs(namespace: string, name: string, spec: VirtualServiceSpec): VirtualService {
  return istio('VirtualService', namespace, name, spec);
}

function httpGateway(namespace: string, name: string, hosts: string[], redirect = false): Gateway {
  return istio('Gateway', namespace, name, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts, ...(redirect ? { tls: { httpsRedirect: true } } : {}) }] });
}

const mesh = {
  services: [
    service('default', 'hello-00001', { clusterIP: '127.96.0.40', ports: [{ name: 'http', port: 80, targetPort: 8012 }] }),
    service('default', 'web', { clusterIP: '127.96.0.41', ports: [{ name: 'http', port: 8080 }] }),
    service('team-b', 'web', { clusterIP: '127.96.0.42', ports: [{ name: 'http', port: 8080 }] }),
  ],
  slices: [], pods: [], entries: [],
};

function compile(gateways: Gateway[], virtualServices: VirtualService[]): ReturnType<typeof compileGatewayRoutes> {
  const { listeners } = compileGatewayListeners({ workload: WORKLOAD, services: [ingressGatewayService(), knativeLocalGatewayService()], gateways, secrets: [] });
  const input: GatewayRoutesInput = { listeners, virtualServices, destinationRules: [], registry: registryOf(mesh), workload: WORKLOAD, rootNamespace: 'istio-system' };
  return compileGatewayRoutes(input);
}

const get = (authority: string, path = '/', headers: Record<string, string> = {}): RouteRequest => ({ method: 'GET', path, authority, headers });

describe('gateway routes', () => {
  it("routes a Knative Service's VirtualService on knative-local-gateway by match-level gateways", () => {
    const ingress = vs('default', 'hello-ingress', {
      gateways: ['knative-serving/knative-ingress-gateway', 'knative-serving/knative-local-gateway'],
      hosts: ['hello.default', 'hello.default.example.com', 'hello.default.svc', 'hello.default.svc.cluster.local'],
      http: [
        {
          match: [{ authority: { prefix: 'hello.default' }, gateways: ['knative-serving/knative-local-gateway'] }],
          retries: {},
          route: [{ destination: { host: 'hello-00001.default.svc.cluster.local', port: { number: 80 } }, weight: 100, headers: { request: { set: { 'Knative-Serving-Revision': 'hello-00001' } } } }],
          headers: { request: { set: { 'K-Network-Hash': 'abc' } } },
          timeout: '0s',
        },
        { match: [{ authority: { prefix: 'hello.default.example.com' }, gateways: ['knative-serving/knative-ingress-gateway'] }], route: [{ destination: { host: 'hello-00001.default.svc.cluster.local', port: { number: 80 } } }] },
      ],
    });
    const out = compile([knativeLocalGateway()], [ingress]);
    assert.deepEqual(out.problems, []);
    const [config] = out.routeConfigs;
    assert.equal(config!.name, 'https.8081.https.knative-local-gateway.knative-serving');
    assert.deepEqual(config!.virtualHosts.map((v) => v.domains[0]), ['hello.default', 'hello.default.example.com', 'hello.default.svc', 'hello.default.svc.cluster.local']);
    const picked = selectRoute(config!, get('hello.default.svc.cluster.local'));
    assert.ok(picked.found);
    assert.equal(picked.route.origin.ruleIndex, 0, 'the ingress-gateway-only rule is dropped on the local gateway');
    assert.equal(picked.virtualHost.routes.length, 1);
    assert.ok(picked.route.action.type === 'forward');
    assert.deepEqual(picked.route.action.clusters.map((c) => [c.cluster, c.weight, c.requestHeaders?.set]), [['outbound|80||hello-00001.default.svc.cluster.local', 100, { 'Knative-Serving-Revision': 'hello-00001' }]]);
    assert.equal(picked.route.action.retries.attempts, 0);
    assert.equal(picked.route.requestHeaders.set['K-Network-Hash'], 'abc');
  });

  it('merges VirtualServices for one host on a gateway (older first, catch-all last) and narrows domains', () => {
    const gw = httpGateway('default', 'public', ['*.example.com']);
    const a = vs('default', 'a', { gateways: ['public'], hosts: ['shop.example.com'], http: [{ route: [{ destination: { host: 'web' } }] }] });
    const b = vs('default', 'b', { gateways: ['default/public'], hosts: ['shop.example.com'], http: [{ match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'hello-00001', port: { number: 80 } } }] }] });
    const other = vs('default', 'other', { gateways: ['mesh'], hosts: ['shop.example.com'], http: [{ route: [{ destination: { host: 'web' } }] }] });
    const out = compile([gw], [b, other, a]);
    const [config] = out.routeConfigs;
    assert.equal(config!.name, 'http.8080');
    const [vhost] = config!.virtualHosts;
    assert.deepEqual(vhost!.domains, ['shop.example.com']);
    assert.deepEqual(vhost!.routes.map((r) => r.origin.virtualService), ['default/b', 'default/a']);
    const api = selectRoute(config!, get('shop.example.com', '/api/x'));
    assert.ok(api.found && api.route.action.type === 'forward' && api.route.action.clusters[0]!.cluster === 'outbound|80||hello-00001.default.svc.cluster.local');
    const rest = selectRoute(config!, get('shop.example.com', '/'));
    assert.ok(rest.found && rest.route.action.type === 'forward' && rest.route.action.clusters[0]!.cluster === 'outbound|8080||web.default.svc.cluster.local');
    assert.equal(selectRoute(config!, get('nothing.example.org')).found, false);
  });

  it('stops a VirtualService at its catch-all, then moves catch-alls behind the merged routes', () => {
    const gw = httpGateway('default', 'public', ['*']);
    const one = vs('default', 'one', { gateways: ['public'], hosts: ['shop.example.com'], http: [
      { match: [{ headers: { 'x-beta': { exact: '1' } } }, { uri: { prefix: '/api' } }], route: [{ destination: { host: 'web' } }] },
      { route: [{ destination: { host: 'web' } }] },
      { match: [{ uri: { prefix: '/never' } }], route: [{ destination: { host: 'web' } }] },
    ] });
    const two = vs('default', 'two', { gateways: ['public'], hosts: ['shop.example.com'], http: [{ match: [{ uri: { prefix: '/v2' } }], route: [{ destination: { host: 'web' } }] }] });
    const [config] = compile([gw], [one, two]).routeConfigs;
    const describe = (r: CompiledRoute): string => {
      const m = r.matches[0];
      return `${r.origin.virtualService}#${r.origin.ruleIndex}:${m ? (m.uri?.kind === 'prefix' ? m.uri.value : m.headers[0]?.name) : '*'}`;
    };
    assert.deepEqual(config!.virtualHosts[0]!.routes.map(describe), ['default/one#0:x-beta', 'default/one#0:/api', 'default/two#0:/v2', 'default/one#1:*']);
  });

  it('a namespace-scoped server host admits only VirtualServices from that namespace', () => {
    const gw = httpGateway('istio-system', 'shared', ['team-b/*.example.com']);
    const fromDefault = vs('default', 'x', { gateways: ['istio-system/shared'], hosts: ['x.example.com'], http: [{ route: [{ destination: { host: 'web' } }] }] });
    const fromTeamB = vs('team-b', 'y', { gateways: ['istio-system/shared'], hosts: ['y.example.com'], http: [{ route: [{ destination: { host: 'web' } }] }] });
    const [config] = compile([gw], [fromDefault, fromTeamB]).routeConfigs;
    assert.deepEqual(config!.virtualHosts.map((v) => v.domains[0]), ['y.example.com']);
    const picked = selectRoute(config!, get('y.example.com'));
    assert.ok(picked.found && picked.route.action.type === 'forward' && picked.route.action.clusters[0]!.host === 'web.team-b.svc.cluster.local');
  });

  it('httpsRedirect servers answer with requireTls, even without a VirtualService', () => {
    const [config] = compile([httpGateway('default', 'redirect', ['secure.example.com'], true)], []).routeConfigs;
    assert.deepEqual(config!.virtualHosts, [{ name: 'secure.example.com:80', domains: ['secure.example.com'], routes: [], requireTls: true }]);
  });

  it('reports unknown destinations and subsets, and skips a rule with a bad regex', () => {
    const gw = httpGateway('default', 'public', ['*']);
    const bad = vs('default', 'bad', { gateways: ['public'], hosts: ['bad.example.com'], http: [
      { match: [{ uri: { regex: '(' } }], route: [{ destination: { host: 'web' } }] },
      { match: [{ uri: { prefix: '/a' } }], route: [{ destination: { host: 'nowhere' }, weight: 100 }, { destination: { host: 'web', subset: 'v9' }, weight: 0 }] },
      { route: [{ destination: { host: 'web', subset: 'v9' } }] },
    ] });
    const out = compile([gw], [bad]);
    assert.deepEqual(out.problems.map((p) => [p.code, p.field]), [
      ['route-invalid', 'spec.http[0].match'],
      ['route-destination-unknown', 'spec.http[1].route[0].destination.host'],
      ['route-subset-unknown', 'spec.http[2].route[0].destination.subset'],
    ]);
    assert.deepEqual(out.routeConfigs[0]!.virtualHosts[0]!.routes.map((r) => r.origin.ruleIndex), [1, 2]);
  });
});
