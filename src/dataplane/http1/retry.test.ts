import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { retryBackoffMs, shouldRetryFailure, shouldRetryStatus } from './retry.ts';

describe('retry conditions', () => {
  it('matches statuses as Envoy retry_on does', () => {
    assert.equal(shouldRetryStatus({ attempts: 1, retryOn: ['5xx'] }, 500), true);
    assert.equal(shouldRetryStatus({ attempts: 1, retryOn: ['gateway-error'] }, 500), false);
    assert.equal(shouldRetryStatus({ attempts: 1, retryOn: ['gateway-error'] }, 504), true);
    assert.equal(shouldRetryStatus({ attempts: 1, retryOn: ['retriable-4xx'] }, 409), true);
    assert.equal(shouldRetryStatus({ attempts: 1, retryOn: ['retriable-status-codes'], retriableStatusCodes: [418] }, 418), true);
    assert.equal(shouldRetryStatus({ attempts: 1, retryOn: ['connect-failure'] }, 503), false);
  });

  it('matches failures without a response', () => {
    assert.equal(shouldRetryFailure({ attempts: 1, retryOn: ['connect-failure'] }, 'connect-failure'), true);
    assert.equal(shouldRetryFailure({ attempts: 1, retryOn: ['connect-failure'] }, 'reset'), false);
    assert.equal(shouldRetryFailure({ attempts: 1, retryOn: ['reset'] }, 'timeout'), true);
    assert.equal(shouldRetryFailure({ attempts: 1, retryOn: ['5xx'] }, 'connect-failure'), true);
    assert.equal(shouldRetryFailure({ attempts: 1, retryOn: ['retriable-4xx'] }, 'reset'), false);
  });

  it('backs off with jitter under a doubling ceiling', () => {
    for (let i = 0; i < 50; i++) {
      assert.ok(retryBackoffMs(1) < 25);
      assert.ok(retryBackoffMs(3) < 100);
      assert.ok(retryBackoffMs(10) < 250);
    }
  });
});
