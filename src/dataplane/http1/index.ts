/**
 * skiff's HTTP/1.1 data-plane engine: what gateways, sidecars and the router use to carry
 * HTTP/1.1 over TCP or TLS (reference/performance.md §10: byte framing over raw sockets,
 * ≈0.75× nginx, instead of Node's `http` stack).
 *
 *   const pool = new UpstreamPool({ idleTimeoutMs, maxConnectionsPerEndpoint });
 *   const listener = createHttp1Listener({ tls?, pool, handler, onRecord, useRemoteAddress });
 *   listener.server.listen(port);          // or serveHttp1Connection(socket, options)
 *   await listener.drain(35_000);          // terminationDrainDuration
 *
 * `handler(head, downstream)` sees each parsed request head (method, path, authority, raw
 * headers, framing) and returns, possibly async:
 *   { kind: 'forward', upstream: endpoint | (attempt) => endpoint, path?, authority?,
 *     setRequestHeaders?, removeRequestHeaders?, setResponseHeaders?, removeResponseHeaders?,
 *     timeoutMs?, retry?: { attempts, perTryTimeoutMs?, retryOn }, record? }
 *   { kind: 'reply', status, headers?, body?, flags?, details?, record? }
 * Local failures answer with Envoy's bodies and flags (UH, UF, UC, UO, UPE, UT; NR is the
 * handler's `reply` with ENVOY_REPLIES.noRoute). Every finished request is reported once to
 * `onRecord` as a RequestRecord (src/dataplane/request-record.ts).
 *
 * Defences: 60 KiB / 100 header limits (431), request_headers_timeout 10 s (408),
 * smuggling shapes rejected with 400 and close, HTTP/1.0 426 unless acceptHttp10.
 */
export { createHttp1Listener, serveHttp1Connection, type Http1Listener, type Http1ListenerOptions } from './listener.ts';
export { Http1Connection } from './connection.ts';
export { UpstreamPool, UpstreamConnectError, endpointKey, type UpstreamEndpoint, type UpstreamPoolOptions } from './upstream-pool.ts';
export { ENVOY_REPLIES, serializeLocalReply, SERVER_HEADER } from './local-reply.ts';
export { parseRequestHead, HeadError, DEFAULT_HEAD_LIMITS, type RequestHead, type HeadLimits, type BodyFraming } from './request-head.ts';
export type { Http1Handler, Http1Options, RouteDecision, ForwardDecision, LocalReplyDecision, RetryPolicy, RetryOn, EndpointPicker, DownstreamInfo } from './types.ts';
