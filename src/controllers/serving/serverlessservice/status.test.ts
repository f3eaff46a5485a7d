import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markEndpointsNotOwned, markEndpointsNotReady, markEndpointsOutcome, sksConditions } from './status.ts';

const now = () => new Date('2026-01-01T00:00:00Z');

describe('SKS status', () => {
  it('is Unknown while creating, False when not owned', () => {
    const c = sksConditions(undefined, now);
    markEndpointsNotReady(c, 'CreatingPrivateService');
    assert.deepEqual([c.get('Ready')?.status, c.get('EndpointsPopulated')?.reason, c.get('EndpointsPopulated')?.message], ['Unknown', 'CreatingPrivateService', 'K8s Service is not ready']);
    markEndpointsNotOwned(c, 'Service', 'hello-00001');
    assert.equal(c.get('Ready')?.status, 'False');
    assert.equal(c.get('Ready')?.message, 'Resource hello-00001 of type Service is not owned by SKS');
  });

  it('is Ready with pods behind it; the activator populated flag is informational', () => {
    const serving = sksConditions(undefined, now);
    markEndpointsOutcome(serving, { mode: 'Serve', subsets: [], servingEndpoints: true }, 'Serve');
    assert.equal(serving.get('Ready')?.status, 'True');
    assert.equal(serving.get('ActivatorEndpointsPopulated')?.status, 'False');
    assert.equal(serving.get('ActivatorEndpointsPopulated')?.severity, 'Info');

    const proxied = sksConditions(undefined, now);
    markEndpointsOutcome(proxied, { mode: 'Proxy', subsets: [], servingEndpoints: true }, 'Proxy');
    assert.equal(proxied.get('Ready')?.status, 'True');
    assert.equal(proxied.get('ActivatorEndpointsPopulated')?.status, 'True');
    assert.equal(proxied.get('ActivatorEndpointsPopulated')?.message, 'Revision is backed by Activator');

    const idle = sksConditions(undefined, now);
    markEndpointsOutcome(idle, { mode: 'Proxy', subsets: [], servingEndpoints: false }, 'Serve');
    assert.equal(idle.get('Ready')?.status, 'Unknown');
    assert.equal(idle.get('EndpointsPopulated')?.reason, 'NoHealthyBackends');
    assert.equal(idle.get('ActivatorEndpointsPopulated')?.status, 'True');
  });
});
