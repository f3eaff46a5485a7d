import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RouterRoute } from './model.ts';
import { RouteIndex } from './route-index.ts';
import { planRequest } from './router.ts';

function r(name: string, host: string, extra: Partial<RouterRoute> = {}): RouterRoute {
  return { namespace: 'ns', name, host, wildcard: false, path: '', backends: [], balance: 'roundrobin', serviceHostname: 'web.ns.svc', ...extra };
}

describe('RouteIndex', () => {
  const index = new RouteIndex({ routes: [
    r('root', 'a.test'),
    r('api', 'a.test', { path: '/api' }),
    r('wild', 'www.shop.test', { wildcard: true }),
    r('pass', 'p.test', { tls: { termination: 'passthrough', insecurePolicy: 'None' } }),
  ] });

  it('matches the exact host, then the longest path prefix on whole segments', () => {
    assert.equal(index.find('a.test', '/api/v1')?.name, 'api');
    assert.equal(index.find('a.test', '/api?x')?.name, 'api');
    assert.equal(index.find('a.test', '/apis')?.name, 'root');
    assert.equal(index.find('b.test', '/'), undefined);
  });

  it('serves a Subdomain wildcard route for every host of its parent domain, not deeper ones', () => {
    assert.equal(index.find('anything.shop.test', '/')?.name, 'wild');
    assert.equal(index.find('www.shop.test', '/')?.name, 'wild');
    assert.equal(index.find('a.b.shop.test', '/'), undefined);
  });

  it('finds passthrough routes by server name only', () => {
    assert.equal(index.passthrough('p.test')?.name, 'pass');
    assert.equal(index.passthrough('a.test'), undefined);
  });
});

describe('planRequest', () => {
  const edge = (insecurePolicy: 'None' | 'Allow' | 'Redirect') => r('e', 'e.test', { tls: { termination: 'edge', insecurePolicy } });
  it('follows the termination and insecureEdgeTerminationPolicy as the OpenShift router does', () => {
    assert.equal(planRequest(undefined, 'http'), 'unavailable');
    assert.equal(planRequest(r('p', 'p.test'), 'http'), 'forward');
    assert.equal(planRequest(r('p', 'p.test'), 'https'), 'unavailable');
    assert.equal(planRequest(edge('None'), 'http'), 'unavailable');
    assert.equal(planRequest(edge('Allow'), 'http'), 'forward');
    assert.equal(planRequest(edge('Redirect'), 'http'), 'redirect');
    assert.equal(planRequest(edge('None'), 'https'), 'forward');
    assert.equal(planRequest(r('pt', 'pt.test', { tls: { termination: 'passthrough', insecurePolicy: 'Redirect' } }), 'http'), 'redirect');
    assert.equal(planRequest(r('pt', 'pt.test', { tls: { termination: 'passthrough', insecurePolicy: 'Allow' } }), 'http'), 'unavailable');
  });
});
