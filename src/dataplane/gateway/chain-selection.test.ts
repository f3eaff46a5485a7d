import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectChain } from './chain-selection.ts';

describe('selectChain', () => {
  const chains = [{ serverNames: ['*.example.com'] }, { serverNames: ['a.example.com'] }, { serverNames: [] }, { serverNames: ['*.b.example.com'] }];
  it('prefers the exact name, then the longest wildcard, then the chain without names', () => {
    assert.equal(selectChain(chains, 'a.example.com'), 1);
    assert.equal(selectChain(chains, 'x.b.example.com'), 3);
    assert.equal(selectChain(chains, 'z.example.com'), 0);
    assert.equal(selectChain(chains, 'other.org'), 2);
    assert.equal(selectChain(chains, undefined), 2);
  });
  it('finds nothing when no chain takes the name', () => {
    assert.equal(selectChain([{ serverNames: ['a.example.com'] }], 'b.example.com'), -1);
    assert.equal(selectChain([{ serverNames: ['a.example.com'] }], undefined), -1);
    // A wildcard covers subdomains, not the bare domain (Envoy's rule).
    assert.equal(selectChain([{ serverNames: ['*.example.com'] }], 'example.com'), -1);
  });
});
