/**
 * What a proxy knows about one finished request or TCP connection: the shared contract
 * between the proxies (gateways, sidecars, the router), which fill it in, and telemetry
 * (Istio's metrics and access log, src/dataplane/telemetry/), which reads it. Field names
 * follow Envoy's access-log operators and Istio's metric labels so the mapping stays obvious.
 */

/** Envoy's response flags as Istio's access log prints them (`UH`, `UF`, `URX`, `NR`, …). */
export type ResponseFlag =
  | 'UH' // no healthy upstream
  | 'UF' // upstream connection failure
  | 'UO' // upstream overflow (circuit breaking)
  | 'NR' // no route configured
  | 'URX' // upstream retry limit exceeded
  | 'NC' // no cluster found
  | 'DT' // request or connection exceeded max duration
  | 'DC' // downstream connection termination
  | 'LH' // local service failed health check
  | 'UT' // upstream request timeout
  | 'LR' // connection local reset
  | 'UR' // upstream remote reset
  | 'UC' // upstream connection termination
  | 'DI' // request delayed by fault injection
  | 'FI' // request aborted by fault injection
  | 'RL' // rate limited
  | 'UAEX' // unauthorized by external authorization
  | 'RLSE' // rate limit service error
  | 'IH' // invalid header value (strict check)
  | 'SI' // stream idle timeout
  | 'DPE' // downstream protocol error
  | 'UPE' // upstream protocol error
  | 'UMSDR' // upstream max stream duration reached
  | 'OM' // overload manager
  | 'DF'; // DNS resolution failure

/** One side of a connection as telemetry labels it (Istio's `source_*` / `destination_*`). */
export interface WorkloadPeer {
  /** SPIFFE ID from the peer certificate, when mTLS was used (`spiffe://td/ns/x/sa/y`). */
  principal?: string;
  workload?: string;
  namespace?: string;
  /** The `app` label (Istio's `*_app`) and `version` label. */
  app?: string;
  version?: string;
  /** Istio's canonical service: `service.istio.io/canonical-name` label, else `app`, else the workload. */
  canonicalService?: string;
  canonicalRevision?: string;
  cluster?: string;
}

export interface RequestRecord {
  /** `http` for an HTTP request, `tcp` for a connection proxied as bytes. */
  protocol: 'http' | 'tcp';
  /** Which proxy wrote it: Istio's `reporter` label. */
  reporter: 'source' | 'destination' | 'gateway';
  /** Wall-clock start (ms since epoch) and duration of the whole exchange (ms). */
  startTime: number;
  durationMs: number;
  /** HTTP only. */
  method?: string;
  /** The original path (`X-ENVOY-ORIGINAL-PATH?:PATH`). */
  path?: string;
  /** `HTTP/1.1`, `HTTP/2`. */
  httpProtocol?: string;
  authority?: string;
  userAgent?: string;
  requestId?: string;
  forwardedFor?: string;
  /** 0 when no response was sent (connection reset before a response). */
  responseCode?: number;
  responseFlags: ResponseFlag[];
  /** Envoy's `%RESPONSE_CODE_DETAILS%` and `%CONNECTION_TERMINATION_DETAILS%` (e.g. `via_upstream`). */
  responseCodeDetails?: string;
  connectionTerminationDetails?: string;
  bytesReceived: number;
  bytesSent: number;
  /** Time from the request's start until the upstream's first response byte (ms). */
  upstreamServiceTimeMs?: number;
  /** `mutual_tls` or `none`: Istio's `connection_security_policy`. */
  connectionSecurityPolicy: 'mutual_tls' | 'none' | 'unknown';
  /** `ip:port` strings, as Envoy prints them. */
  upstreamHost?: string;
  /** Envoy cluster name, e.g. `outbound|80||hello.default.svc.cluster.local`. */
  upstreamCluster?: string;
  upstreamLocalAddress?: string;
  upstreamTransportFailureReason?: string;
  downstreamLocalAddress?: string;
  downstreamRemoteAddress?: string;
  requestedServerName?: string;
  routeName?: string;
  /** The destination service host, e.g. `hello.default.svc.cluster.local`, and its short name and namespace. */
  destinationService?: string;
  destinationServiceName?: string;
  destinationServiceNamespace?: string;
  source: WorkloadPeer;
  destination: WorkloadPeer;
  /** Istio's `request_protocol` label: `http`, `grpc`, `tcp`. */
  requestProtocol?: 'http' | 'grpc' | 'tcp';
  grpcResponseStatus?: string;
}
