import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MESH_OPTIONS, meshOptionsFrom } from './mesh-options.ts';

describe('meshOptionsFrom', () => {
  it('takes Istio\'s defaults when the mesh config says nothing', () => {
    assert.deepEqual(meshOptionsFrom(undefined), DEFAULT_MESH_OPTIONS);
    assert.deepEqual(meshOptionsFrom({}), DEFAULT_MESH_OPTIONS);
  });

  it('reads auto mTLS and the outbound traffic policy', () => {
    assert.deepEqual(meshOptionsFrom({ enableAutoMtls: false, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }), { enableAutoMtls: false, outboundTrafficPolicy: 'REGISTRY_ONLY' });
  });

  it('reads protocolDetectionTimeout: 0s waits, at least 1ms is a timeout, anything istiod refuses leaves the proxies\' default', () => {
    const timeout = (value: unknown) => meshOptionsFrom({ protocolDetectionTimeout: value }).protocolDetectionTimeoutMs;
    assert.equal(timeout('0s'), 0);
    assert.equal(timeout('100ms'), 100);
    assert.equal(timeout('1m30s'), 90_000);
    for (const refused of ['500us', '1500us', '-1s', 'soon', 5]) assert.equal(timeout(refused), undefined, String(refused));
  });
});
