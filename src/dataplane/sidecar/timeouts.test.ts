import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SIDECAR_TIMEOUTS, sidecarTimeouts } from './timeouts.ts';

describe('sidecarTimeouts', () => {
  it('defaults to Envoy/Istio values', () => {
    assert.deepEqual(sidecarTimeouts(), { detectionMs: 5_000, tlsHandshakeMs: 15_000, requestHeadersMs: 10_000, idleMs: 3_600_000, streamIdleMs: 300_000, tcpIdleMs: 3_600_000 });
  });

  it('overrides only what is given; undefined keeps the default', () => {
    const t = sidecarTimeouts({ tlsHandshakeMs: 300, detectionMs: undefined });
    assert.equal(t.tlsHandshakeMs, 300);
    assert.equal(t.detectionMs, DEFAULT_SIDECAR_TIMEOUTS.detectionMs);
  });
});
