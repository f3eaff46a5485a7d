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

const BASE_MS = 25;
const MAX_MS = 250;

/** Delay before retry number `retry` (1 = the first retry). */
export function retryBackoffMs(retry: number): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** (retry - 1));
  return Math.floor(Math.random() * ceiling);
}
