/**
 * Envoy's retry conditions on a response status, and its back-off between tries
 * (base 25 ms, doubling, full jitter, capped at 250 ms: router's default retry back-off).
 */
import type { RetryPolicy } from './types.ts';

export function shouldRetryStatus(policy: RetryPolicy, status: number): boolean {
  for (const on of policy.retryOn) {
    if (on === '5xx' && status >= 500) return true;
    if (on === 'gateway-error' && (status === 502 || status === 503 || status === 504)) return true;
    if (on === 'retriable-4xx' && status === 409) return true;
    if (on === 'retriable-status-codes' && policy.retriableStatusCodes?.includes(status)) return true;
  }
  return false;
}

/**
 * Failures without a response: Envoy's `5xx` and `gateway-error` cover them all (a reset or
 * timeout is answered 503/504 locally); `connect-failure` and `reset` name one each. A per-try
 * timeout counts as a reset.
 */
export function shouldRetryFailure(policy: RetryPolicy, cause: 'connect-failure' | 'reset' | 'timeout'): boolean {
  const on = policy.retryOn;
  if (on.includes('5xx') || on.includes('gateway-error')) return true;
  return cause === 'connect-failure' ? on.includes('connect-failure') : on.includes('reset');
}

const BASE_MS = 25;
const MAX_MS = 250;

/** Delay before retry number `retry` (1 = the first retry). */
export function retryBackoffMs(retry: number): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** (retry - 1));
  return Math.floor(Math.random() * ceiling);
}
