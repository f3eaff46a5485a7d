/**
 * The contract between the HTTP/1.1 engine and whoever configures it (gateway, sidecar,
 * router): for each request head the handler decides to forward it or answer it locally.
 */
import type { RequestRecord, ResponseFlag } from '../request-record.ts';
import type { RequestHead } from './request-head.ts';
import type { UpstreamEndpoint, UpstreamPool } from './upstream-pool.ts';

/** Istio/Envoy retry conditions the HTTP/1 engine understands (others are ignored). */
export type RetryOn = '5xx' | 'gateway-error' | 'connect-failure' | 'reset' | 'retriable-4xx' | 'refused-stream' | 'retriable-status-codes';

export interface RetryPolicy {
  /** Retries after the first try (Istio's `attempts`). */
  attempts: number;
  perTryTimeoutMs?: number;
  retryOn: readonly RetryOn[];
  /** With `retriable-status-codes`: the codes that count. */
  retriableStatusCodes?: readonly number[];
}

/**
 * Picks the endpoint for try number `attempt` (0 first); undefined when none is healthy
 * (the reply is then Envoy's 503 `no healthy upstream`, UH). Retries may pick another host.
 */
export type EndpointPicker = (attempt: number) => UpstreamEndpoint | undefined;

/** The same as an object (no closure per request). */
export interface TryPicker {
  pick(attempt: number): UpstreamEndpoint | undefined;
}

/** The endpoint for try `attempt` of a decision's `upstream`, whichever form it has. */
export function endpointForTry(upstream: ForwardDecision['upstream'], attempt: number): UpstreamEndpoint | undefined {
  return typeof upstream === 'function' ? upstream(attempt) : 'pick' in upstream ? upstream.pick(attempt) : upstream;
}

export interface ForwardDecision {
  kind: 'forward';
  upstream: UpstreamEndpoint | EndpointPicker | TryPicker;
  /** Headers to set on the request (replacing any of the same name) and to remove. */
  setRequestHeaders?: readonly (readonly [string, string])[];
  removeRequestHeaders?: readonly string[];
  /** Path (with query) and authority rewrites. */
  path?: string;
  authority?: string;
  setResponseHeaders?: readonly (readonly [string, string])[];
  removeResponseHeaders?: readonly string[];
  /** The whole request's timeout (route timeout); none when absent. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Flags the handler already knows (e.g. `DI` after a fault-injection delay). */
  flags?: readonly ResponseFlag[];
  /** Fields for the record (upstreamCluster, routeName, destination, destinationService…). */
  record?: Partial<RequestRecord>;
}

export interface LocalReplyDecision {
  kind: 'reply';
  status: number;
  /** Flat `[name, value, …]` list. */
  headers?: readonly string[];
  body?: string | Buffer;
  flags?: readonly ResponseFlag[];
  /** %RESPONSE_CODE_DETAILS%, e.g. `route_not_found`, `direct_response`. */
  details?: string;
  record?: Partial<RequestRecord>;
}

export type RouteDecision = ForwardDecision | LocalReplyDecision;

export interface DownstreamInfo {
  /** The peer's IP (what x-forwarded-for gets) and `ip:port` (what records print). */
  remoteAddress: string;
  remote: string;
  localAddress: string;
  /** True over TLS (x-forwarded-proto https). */
  secure: boolean;
}

export type Http1Handler = (head: RequestHead, downstream: DownstreamInfo) => RouteDecision | Promise<RouteDecision>;

export interface Http1Options {
  handler: Http1Handler;
  pool: UpstreamPool;
  /** Called once per finished request (or connection-level failure with a reply). */
  onRecord?: (record: RequestRecord) => void;
  /** Fields every record of this connection carries (reporter, peers, security policy, SNI). */
  recordBase?: Partial<RequestRecord>;
  /** Envoy's use_remote_address (gateways): append the peer to x-forwarded-for and set x-forwarded-proto. Default false. */
  useRemoteAddress?: boolean;
  /** Slowloris defence: a request head must arrive within this time of its first byte (default 10 s). */
  requestHeadersTimeoutMs?: number;
  /** A kept-alive connection with no request in flight closes after this (Envoy's idle_timeout, 1 h). */
  idleTimeoutMs?: number;
  /** A request body that stops arriving for this long is ended with 408 `stream timeout` (Envoy's stream_idle_timeout, 5 min). */
  streamIdleTimeoutMs?: number;
  maxHeadBytes?: number;
  maxHeaders?: number;
  acceptHttp10?: boolean;
  /** Request bytes kept so a failed try can be replayed (Envoy's per-request buffer limit: 1 MiB). */
  retryBufferBytes?: number;
}
