import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectFilterChain } from './chain-selection.ts';
import type { FilterChain, ProxyListener } from './model.ts';

const chain = (serverNames: string[], name: string): FilterChain => ({ kind: 'http', serverNames, hosts: [], servers: [], routeConfigName: name });
const listener = (chains: FilterChain[]): ProxyListener => ({ name: '0.0.0.0_8443', bind: '0.0.0.0', port: 8443, protocol: 'HTTPS', http2: false, filterChains: chains });

describe('filter chain selection by SNI', () => {
  const l = listener([chain([], 'any'), chain(['*.example.com'], 'wild'), chain(['*.shop.example.com'], 'shop'), chain(['api.example.com'], 'api')]);
  it('exact before the longest wildcard before the catch-all', () => {
    assert.equal(selectFilterChain(l, 'API.example.com')?.routeConfigName, 'api');
    assert.equal(selectFilterChain(l, 'a.shop.example.com')?.routeConfigName, 'shop');
    assert.equal(selectFilterChain(l, 'b.example.com')?.routeConfigName, 'wild');
    assert.equal(selectFilterChain(l, 'other.org')?.routeConfigName, 'any');
  });
  it('no SNI reaches only a chain without server names', () => {
    assert.equal(selectFilterChain(l, undefined)?.routeConfigName, 'any');
    assert.equal(selectFilterChain(listener([chain(['a.example.com'], 'a')]), undefined), undefined);
    assert.equal(selectFilterChain(listener([chain(['a.example.com'], 'a')]), 'b.example.com'), undefined);
  });
});
