import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestHead } from '../http1/index.ts';
import type { ForwardDecision, LocalReplyDecision } from '../http1/index.ts';
import { endpointForTry } from '../http1/index.ts';
import type { Cluster, RouteConfiguration } from '../config/model.ts';
import { gatewayHttpHandler, headerRecord } from './http-routing.ts';
import { cluster, forwardTo, route } from './test-config.ts';
import { istio } from '../config/testing-fixtures.ts';
import type { AuthorizationPolicySpec } from '../config/istio-specs.ts';

function head(path: string, authority: string, headers: string[] = []): RequestHead {
  return { method: 'GET', target: path, path, version: 'HTTP/1.1', headers: ['Host', authority, ...headers], authority, framing: 'none', contentLength: 0, keepAlive: true, upgrade: undefined, expectContinue: false, headBytes: 0 } as unknown as RequestHead;
}
const plain = { remoteAddress: '127.0.0.9', remote: '127.0.0.9:5000', localAddress: '127.0.0.1', secure: false };

describe('gatewayHttpHandler', () => {
  const a = cluster('a.default.svc.cluster.local', 80, [{ address: '127.0.0.5', port: 8080 }, { address: '127.0.0.6', port: 8080 }]);
  const empty = cluster('none.default.svc.cluster.local', 80, []);
  const config: RouteConfiguration = {
    name: 'http.8080',
    virtualHosts: [
      { name: 'a', domains: ['a.example.com'], routes: [
        route({ type: 'redirect', status: 301, uri: '/new', scheme: 'https' }, '/old'),
        route(forwardTo(a, { fault: { abort: { httpStatus: 503, percentage: 100 } } }), '/broken'),
        route(forwardTo(empty), '/empty'),
        route(forwardTo(a, { timeoutMs: 1500, retries: { attempts: 3, perTryTimeoutMs: 500, retryOn: ['5xx', 'unavailable', 'connect-failure'], retriableStatusCodes: [] } })),
      ] },
      { name: 'tls-only', domains: ['secure.example.com'], routes: [route(forwardTo(a))], requireTls: true },
    ],
  };
  const handler = gatewayHttpHandler({ serverPort: 80, state: () => ({ routeConfig: config, clusters: new Map([[a.name, a], [empty.name, empty]]) }), random: () => 0 });

  it('forwards round robin over ready endpoints with the route\'s timeout and the retry conditions the engine knows', async () => {
    const d = await handler(head('/x', 'a.example.com'), plain) as ForwardDecision;
    assert.equal(d.kind, 'forward');
    assert.equal(d.timeoutMs, 1500);
    assert.deepEqual(d.retry, { attempts: 3, retryOn: ['5xx', 'connect-failure'], perTryTimeoutMs: 500 });
    const pick = (n: number) => endpointForTry(d.upstream, n);
    assert.deepEqual([pick(0), pick(1), pick(2)].map((e) => e?.host), ['127.0.0.5', '127.0.0.6', '127.0.0.5']);
    assert.equal(d.record?.upstreamCluster, 'outbound|80||a.default.svc.cluster.local');
    assert.equal(d.record?.destinationServiceName, 'a');
    assert.equal(d.record?.destination?.workload, 'a');
  });

  it('answers redirects, fault aborts (FI) and unknown hosts (404 NR) itself; no endpoint leaves the pick empty (UH in the engine)', async () => {
    const r = await handler(head('/old?x=1', 'a.example.com:8080'), plain) as LocalReplyDecision;
    assert.deepEqual([r.status, r.headers], [301, ['location', 'https://a.example.com:8080/new']]);
    const f = await handler(head('/broken', 'a.example.com'), plain) as LocalReplyDecision;
    assert.deepEqual([f.status, f.flags], [503, ['FI']]);
    const n = await handler(head('/', 'nobody.example.com'), plain) as LocalReplyDecision;
    assert.deepEqual([n.status, n.flags, n.details], [404, ['NR'], 'route_not_found']);
    const e = await handler(head('/empty', 'a.example.com'), plain) as ForwardDecision;
    assert.equal(endpointForTry(e.upstream, 0), undefined);
  });

  it('sends plain requests for an httpsRedirect host to https', async () => {
    const r = await handler(head('/p', 'secure.example.com:80'), plain) as LocalReplyDecision;
    assert.deepEqual([r.status, r.headers], [301, ['location', 'https://secure.example.com/p']]);
    const ok = await handler(head('/p', 'secure.example.com'), { ...plain, secure: true });
    assert.equal(ok.kind, 'forward');
  });

  it('answers 404 NR while the chain has no route configuration', async () => {
    const none = gatewayHttpHandler({ serverPort: 80, state: () => ({ routeConfig: undefined, clusters: new Map() }) });
    assert.equal((await none(head('/', 'a.example.com'), plain) as LocalReplyDecision).status, 404);
  });
});

describe('gatewayHttpHandler with AuthorizationPolicies', () => {
  const a = cluster('a.default.svc.cluster.local', 80, [{ address: '127.0.0.5', port: 8080 }]);
  const config: RouteConfiguration = { name: 'r', virtualHosts: [{ name: 'all', domains: ['*'], routes: [route(forwardTo(a))] }] };
  const workload = { namespace: 'istio-system', labels: { app: 'istio-ingressgateway' } };
  const deny = istio<AuthorizationPolicySpec>('AuthorizationPolicy', 'istio-system', 'no-admin', { selector: { matchLabels: { app: 'istio-ingressgateway' } }, action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] });
  const allow = istio<AuthorizationPolicySpec>('AuthorizationPolicy', 'istio-system', 'mesh-only', { selector: { matchLabels: { app: 'istio-ingressgateway' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/knative-serving/sa/activator'] } }], to: [{ operation: { ports: ['8081'] } }] }] });
  const peers = new Map([['127.0.0.9:5000', { principal: 'spiffe://cluster.local/ns/knative-serving/sa/activator' }]]);
  const handler = gatewayHttpHandler({ serverPort: 8081, listenPort: 8081, peerOf: (r) => peers.get(r), state: () => ({ routeConfig: config, clusters: new Map([[a.name, a]]), authz: { policies: [deny, allow], workload, rootNamespace: 'istio-system' } }) });

  it('denies with Envoy\'s RBAC answer before routing, and allows what an ALLOW rule matches (principal from the TLS peer)', async () => {
    const denied = await handler(head('/admin/x', 'a.example.com'), plain) as LocalReplyDecision;
    assert.deepEqual([denied.status, denied.body, denied.details], [403, 'RBAC: access denied', 'rbac_access_denied_matched_policy[ns[istio-system]-policy[no-admin]-rule[0]]']);
    assert.equal((await handler(head('/', 'a.example.com'), plain)).kind, 'forward');
    const stranger = await handler(head('/', 'a.example.com'), { ...plain, remote: '127.0.0.9:6000' }) as LocalReplyDecision;
    assert.deepEqual([stranger.status, stranger.details], [403, 'rbac_access_denied_matched_policy[none]']);
  });
});

describe('CORS', () => {
  const a = cluster('a.default.svc.cluster.local', 80, [{ address: '127.0.0.5', port: 8080 }]);
  const cors = { allowOrigins: [{ kind: 'exact' as const, value: 'https://app.example' }], allowMethods: ['GET', 'POST'], allowHeaders: ['x-token'], exposeHeaders: ['x-trace'], maxAgeSeconds: 600, allowCredentials: true };
  const config: RouteConfiguration = { name: 'r', virtualHosts: [{ name: 'all', domains: ['*'], routes: [route(forwardTo(a, { cors }))] }] };
  const handler = gatewayHttpHandler({ serverPort: 80, state: () => ({ routeConfig: config, clusters: new Map([[a.name, a]]) }) });
  const withMethod = (method: string, headers: string[]) => ({ ...head('/', 'a.example.com', headers), method });

  it('answers a preflight from an allowed origin, decorates its ordinary requests, and leaves other origins alone', async () => {
    const pre = await handler(withMethod('OPTIONS', ['Origin', 'https://app.example', 'Access-Control-Request-Method', 'POST']), plain) as LocalReplyDecision;
    assert.deepEqual([pre.status, pre.headers], [200, ['access-control-allow-origin', 'https://app.example', 'access-control-allow-credentials', 'true', 'access-control-allow-methods', 'GET,POST', 'access-control-allow-headers', 'x-token', 'access-control-max-age', '600']]);
    const actual = await handler(withMethod('GET', ['Origin', 'https://app.example']), plain) as ForwardDecision;
    assert.deepEqual(actual.setResponseHeaders, [['access-control-allow-origin', 'https://app.example'], ['access-control-allow-credentials', 'true'], ['access-control-expose-headers', 'x-trace']]);
    const other = await handler(withMethod('OPTIONS', ['Origin', 'https://evil.example', 'Access-Control-Request-Method', 'POST']), plain);
    assert.equal(other.kind, 'forward');
    assert.equal((other as ForwardDecision).setResponseHeaders, undefined);
  });
});

describe('TLS origination', () => {
  it('originates SIMPLE TLS with the DestinationRule\'s SNI, and none for ISTIO_MUTUAL (no sidecar terminates it yet)', async () => {
    const ext = { ...cluster('api.example.org', 443, [{ address: '93.184.216.34', port: 443 }]), tls: { mode: 'SIMPLE' as const, auto: false, sni: 'api.example.org', subjectAltNames: [] } };
    const meshed = { ...cluster('m.default.svc.cluster.local', 80, [{ address: '127.0.0.5', port: 8080 }]), tls: { mode: 'ISTIO_MUTUAL' as const, auto: true, subjectAltNames: [] } };
    const config: RouteConfiguration = { name: 'r', virtualHosts: [{ name: 'e', domains: ['ext.example'], routes: [route(forwardTo(ext))] }, { name: 'm', domains: ['m.example'], routes: [route(forwardTo(meshed))] }] };
    const handler = gatewayHttpHandler({ serverPort: 80, state: () => ({ routeConfig: config, clusters: new Map<string, Cluster>([[ext.name, ext], [meshed.name, meshed]]) }) });
    const pick = async (host: string) => endpointForTry(((await handler(head('/', host), plain)) as ForwardDecision).upstream, 0);
    const e = await pick('ext.example');
    assert.equal(e?.tls?.servername, 'api.example.org');
    assert.match(e?.tlsKey ?? '', /^simple\|api\.example\.org/);
    assert.equal((await pick('m.example'))?.tls, undefined);
  });
});

describe('headerRecord', () => {
  it('lower-cases names and joins repeated headers', () => {
    assert.deepEqual(headerRecord(['Host', 'a', 'X-A', '1', 'x-a', '2']), { host: 'a', 'x-a': '1,2' });
  });
});
