import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectByDomain } from './host-match.ts';
import type { RouteMatch } from './model.ts';
import { compileRouteMatch, requestMatches } from './route-match.ts';
import type { RouteRequest } from './route-match.ts';
import type { HttpMatchRequest } from './istio-specs.ts';

function m(spec: HttpMatchRequest): RouteMatch {
  const out = compileRouteMatch(spec);
  assert.equal(out.error, undefined);
  return out.match!;
}

const req = (over: Partial<RouteRequest> = {}): RouteRequest => ({ method: 'GET', path: '/api/v1/items?color=red', authority: 'shop.example.com', headers: { 'end-user': 'jason' }, ...over });

describe('route matching', () => {
  it('uri exact/prefix/regex ignore the query string; regex is anchored', () => {
    assert.ok(requestMatches(m({ uri: { prefix: '/api' } }), req()));
    assert.ok(requestMatches(m({ uri: { exact: '/api/v1/items' } }), req()));
    assert.ok(requestMatches(m({ uri: { regex: '/api/v[0-9]+/.*' } }), req()));
    assert.ok(!requestMatches(m({ uri: { regex: 'v1' } }), req()));
    assert.ok(requestMatches(m({ uri: { prefix: '/API' }, ignoreUriCase: true }), req()));
    assert.ok(!requestMatches(m({ uri: { prefix: '/API' } }), req()));
  });

  it('headers are case-insensitive by name, {} means present, withoutHeaders inverts', () => {
    assert.ok(requestMatches(m({ headers: { 'End-User': { exact: 'jason' } } }), req()));
    assert.ok(requestMatches(m({ headers: { 'end-user': {} } }), req()));
    assert.ok(!requestMatches(m({ headers: { 'x-missing': {} } }), req()));
    assert.ok(!requestMatches(m({ withoutHeaders: { 'end-user': { exact: 'jason' } } }), req()));
    assert.ok(requestMatches(m({ withoutHeaders: { 'x-missing': { exact: 'x' } } }), req()));
  });

  it('method, authority, scheme and query parameters', () => {
    assert.ok(requestMatches(m({ method: { exact: 'GET' }, authority: { prefix: 'shop.' }, queryParams: { color: { exact: 'red' } } }), req()));
    assert.ok(!requestMatches(m({ queryParams: { color: { regex: 'blu.*' } } }), req()));
    assert.ok(!requestMatches(m({ scheme: { exact: 'https' } }), req()));
    assert.ok(requestMatches(m({ scheme: { exact: 'https' } }), req({ scheme: 'https' })));
  });

  it('a bad regex is a compile error, not an exception', () => {
    assert.match(compileRouteMatch({ uri: { regex: '(' } }).error ?? '', /uri: invalid regex/);
  });

  it('virtual host selection: exact, longest suffix wildcard, prefix wildcard, then *; ports ignored', () => {
    const hosts = [{ domains: ['*'] }, { domains: ['*.example.com'] }, { domains: ['*.shop.example.com'] }, { domains: ['shop.example.com'] }, { domains: ['api.*'] }];
    assert.equal(selectByDomain(hosts, 'shop.example.com:8080'), hosts[3]);
    assert.equal(selectByDomain(hosts, 'a.shop.example.com'), hosts[2]);
    assert.equal(selectByDomain(hosts, 'b.example.com'), hosts[1]);
    assert.equal(selectByDomain(hosts, 'api.other.org'), hosts[4]);
    assert.equal(selectByDomain(hosts, 'other.org'), hosts[0]);
    assert.equal(selectByDomain(hosts.slice(1, 4), 'other.org'), undefined);
  });
});
