/**
 * skiff's HTTP/1.1 data-plane engine: what gateways, sidecars and the router use to carry
 * HTTP/1.1 over TCP or TLS (reference/performance.md §10: byte framing over raw sockets and
 * pooled raw upstream sockets, instead of Node's `http` stack).
 *
 *   const pool = new UpstreamPool({ idleTimeoutMs, maxConnectionsPerEndpoint, maxPendingPerEndpoint,
 *                                   connectTimeoutMs, maxRequestsPerConnection });
 *   const listener = createHttp1Listener({ tls?, pool, handler, onRecord, recordBase, recordBaseFor,
 *                                          useRemoteAddress, requestHeadersTimeoutMs, idleTimeoutMs,
 *                                          streamIdleTimeoutMs, maxHeadBytes, maxHeaders, acceptHttp10 });
 *   listener.server.listen(port);               // or serveHttp1Connection(socket, options)
 *   await listener.drain(35_000);               // terminationDrainDuration
 *
 * `handler(head, downstream)` sees each parsed request head (method, path, authority, raw
 * headers in order, framing, upgrade) and returns, possibly async:
 *   { kind: 'forward', upstream: endpoint | (attempt) => endpoint | undefined,
 *     path?, authority?, setRequestHeaders?, removeRequestHeaders?, setResponseHeaders?,
 *     removeResponseHeaders?, timeoutMs?, retry?: { attempts, perTryTimeoutMs?, retryOn }, record? }
 *   { kind: 'reply', status, headers?, body?, flags?, details?, record? }
 * An endpoint is { host, port, tls?: tls.ConnectionOptions (SNI, ALPN, workload cert), tlsKey? }.
 *
 * Envoy's behaviour kept: `x-request-id` added when absent, `x-forwarded-proto` set when absent
 * (and, with useRemoteAddress, overwritten and the peer appended to `x-forwarded-for`),
 * `x-envoy-original-path` on rewrites, `x-envoy-upstream-service-time` and `server: istio-envoy`
 * on responses; Expect: 100-continue answered by the proxy; local replies with Envoy's bodies
 * and flags (UH, UF, UC, UO, UPE, UT, URX, DC, SI, DPE; NR is the handler's reply:
 * envoyReplyDecision(ENVOY_REPLIES.noRoute)); a kept-alive upstream connection that dies before answering is
 * retried once on a fresh one; 101 responses turn the connection into a byte tunnel.
 * Every request is reported once to `onRecord` (src/dataplane/request-record.ts).
 *
 * Defences: 60 KiB / 100-field head limits (431), request_headers_timeout 10 s (408),
 * stream idle 5 min (408), smuggling shapes rejected with 400/501 and close, HTTP/1.0 426
 * unless acceptHttp10; a throwing handler, picker or onRecord costs one request, never the process.
 */
export { createHttp1Listener, serveHttp1Connection, type Http1Listener, type Http1ListenerOptions } from './listener.ts';
export { Http1Connection } from './connection.ts';
export { UpstreamPool, UpstreamConnectError, endpointKey, type UpstreamEndpoint, type UpstreamPoolOptions } from './upstream-pool.ts';
export { ENVOY_REPLIES, envoyReplyDecision, serializeLocalReply, SERVER_HEADER, type EnvoyReply } from './local-reply.ts';
export { parseRequestHead, HeadError, DEFAULT_HEAD_LIMITS, type RequestHead, type HeadLimits, type BodyFraming } from './request-head.ts';
export { tlsRecordFields, spiffeUriOf } from './tls-peer.ts';
export type { Http1Handler, Http1Options, RouteDecision, ForwardDecision, LocalReplyDecision, RetryPolicy, RetryOn, EndpointPicker, TryPicker, DownstreamInfo } from './types.ts';
export { endpointForTry } from './types.ts';
